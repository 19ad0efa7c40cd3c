import { isIP } from 'node:net'

/**
 * DNS rebinding: a page on `evil.example` whose name is made to resolve to 127.0.0.1 reaches
 * the web host as same-origin, but its requests carry `Host: evil.example:PORT`. Only the names
 * of the address the host is bound to are answered; anything else gets 421.
 *
 * - bound to a loopback IPv4 address: that address and `localhost`;
 * - bound to `::1`: `[::1]` and `localhost`;
 * - bound to `localhost`: `localhost`, `127.0.0.1` and `[::1]`;
 * - bound to another address or name (`--host`): exactly that;
 * - bound to every address (`0.0.0.0`, `::`): `localhost` and any IP address (a rebinding
 *   attack needs a name; an address literal cannot be rebound).
 *
 * Always with the bound port (a browser leaves it out only for port 80).
 */
export function hostHeaderCheck(
  boundHost: string,
  port: number,
): (header: string | undefined) => boolean {
  const bound = boundHost.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  const names = new Set<string>([literal(bound)])
  if (bound === 'localhost') {
    names.add('127.0.0.1')
    names.add('[::1]')
  } else if (bound === '::1' || /^127\./.test(bound)) {
    names.add('localhost')
  }
  const wildcard = bound === '0.0.0.0' || bound === '::'
  return (header) => {
    const parsed = header === undefined ? null : splitHost(header.toLowerCase())
    if (parsed === null || parsed.port !== port) return false
    if (names.has(parsed.name)) return true
    return (
      wildcard &&
      (parsed.name === 'localhost' || isIP(parsed.name.replace(/^\[(.*)\]$/, '$1')) !== 0)
    )
  }
}

/** `name:port` (or `[v6]:port`, or a bare name meaning port 80); null when malformed. */
function splitHost(header: string): { name: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim())
  if (match === null) return null
  const [, name = '', port] = match
  return { name, port: port === undefined ? 80 : Number(port) }
}

function literal(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

/**
 * The request's one Host header, from its raw headers; undefined when it has none or several
 * (Node keeps the first of several: `Host: 127.0.0.1:PORT` then `Host: evil.example` must not
 * pass as the first alone).
 */
export function singleHost(rawHeaders: readonly string[]): string | undefined {
  const values: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'host') values.push(rawHeaders[i + 1] ?? '')
  }
  return values.length === 1 ? values[0] : undefined
}
