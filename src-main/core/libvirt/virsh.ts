import { commandFailure, runCommand, type RunOptions } from '../exec'
import { VireoError } from '../errors'
import { libvirtMessages as m } from './libvirt-messages'

/**
 * One way to call libvirt: `virsh -c URI ARGS…`, an argv list (design.md, Libvirt
 * connections). A failure is turned into words here, from what virsh and ssh print: libvirtd
 * not running, a host that cannot be reached, a refused key, an unknown host key, a domain
 * gone meanwhile.
 */
export interface VirshOptions extends Pick<RunOptions, 'timeoutMs' | 'signal'> {
  /** The virsh program (tests: a path). */
  virsh?: string
}

/** Never a prompt: no askpass window, no terminal (a password would be stored nowhere anyway). */
export const SSH_ENV = { SSH_ASKPASS_REQUIRE: 'never' }

export async function virsh(uri: string, args: readonly string[], options: VirshOptions = {}): Promise<string> {
  try {
    const { stdout } = await runCommand(options.virsh ?? 'virsh', ['-q', '-c', uri, ...args], {
      timeoutMs: options.timeoutMs ?? 60_000,
      env: SSH_ENV,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    return stdout
  } catch (error) {
    throw explainVirshFailure(uri, error)
  }
}

/** The host a URI reaches (`user@host`), for messages; `this computer` for a local one. */
export function uriHost(uri: string): string {
  const parsed = parseLibvirtUri(uri)
  return parsed.ssh === null ? 'this computer' : `${parsed.ssh.user === null ? '' : `${parsed.ssh.user}@`}${parsed.ssh.host}`
}

export interface LibvirtUri {
  uri: string
  driver: string
  transport: string | null
  path: string
  /** For qemu+ssh: how the console tunnel reaches the same host as libvirt does. */
  ssh: {
    user: string | null
    host: string
    port: number | null
    keyfile: string | null
    knownHosts: string | null
    /** The ssh program (`?command=`), which libvirt runs too; `ssh` if unset. */
    command: string | null
  } | null
}

/** Checks a URI and reads its parts; only local ones (no host) and `+ssh` ones are accepted. */
export function parseLibvirtUri(uri: string): LibvirtUri {
  const match = /^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(uri.trim())
  if (match === null) throw m.badUri(uri, 'shape')
  const [, driver = '', transport = null, authority = '', path = '/', query = ''] = match
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f]/.test(uri)) throw m.badUri(uri, 'spaces')
  if (transport !== null && transport !== 'ssh' && transport !== 'unix') throw m.badTransport(uri, transport)
  if (transport === 'ssh') {
    const at = /^(?:([^@:]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority)
    if (at === null || at[2] === undefined) throw m.badUri(uri, 'noHost')
    const params = new URLSearchParams(query)
    const host = at[2]
    if (host.startsWith('-') || (at[1] ?? '').startsWith('-')) throw m.badUri(uri, 'dash')
    return {
      uri,
      driver,
      transport,
      path,
      ssh: {
        user: at[1] === undefined ? null : decodeURIComponent(at[1]),
        host: host.replace(/^\[|\]$/g, ''),
        port: at[3] === undefined ? null : Number(at[3]),
        keyfile: params.get('keyfile'),
        knownHosts: params.get('known_hosts'),
        command: params.get('command'),
      },
    }
  }
  if (authority !== '') throw m.badUri(uri, 'needsSsh')
  return { uri, driver, transport, path, ssh: null }
}

/**
 * Whether a URI names a program libvirt and Vireo would run (`?command=`): a saved connection
 * added through the API may not (a request must never choose what runs here); `--connect` may.
 */
export function uriNamesProgram(uri: string): boolean {
  const query = uri.split('?')[1] ?? ''
  return new URLSearchParams(query.split('#')[0]).has('command')
}

const LIBVIRT_ERROR = /^error: (.*)$/

/** A virsh failure in words (see libvirt-messages); anything else passes through. */
export function explainVirshFailure(uri: string, error: unknown): unknown {
  const failure = commandFailure(error)
  if (failure === undefined) return error
  const text = failure.stderrTail.join('\n')
  const host = safeHost(uri)
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i.test(text)) return m.hostKeyUnknown(host)
  if (/Permission denied \((publickey|password|keyboard)/i.test(text)) return m.keyRefused(host)
  const unreachable = /(Could not resolve hostname [^:]*: [^\n]*|Connection refused|No route to host|Connection timed out|Network is unreachable|Connection closed by remote host)/i.exec(text)
  if (unreachable !== null && /ssh/i.test(uri) && !/libvirt-sock/.test(text)) return m.unreachable(host, (unreachable[1] ?? '').trim())
  if (/Failed to connect socket to '[^']*libvirt[^']*-sock'/.test(text)) return m.libvirtdDown(uri)
  if (/End of file while reading data|Cannot recv data|Broken pipe|client socket is closed|internal error: client/i.test(text)) return m.connectionLost(uri)
  if (/authentication failed|access denied|Permission denied/i.test(text)) return m.permission(uri)
  if (/Domain not found|failed to get domain/i.test(text)) return m.domainGone(uri)
  if (/domain is not running/i.test(text)) return m.notRunning()
  if (/domain is already (running|active)/i.test(text)) return m.alreadyRunning()
  if (error instanceof VireoError && error.code === 'TIMEOUT') return error
  const line = failure.stderrTail.map((l) => LIBVIRT_ERROR.exec(l)?.[1]).filter((l) => l !== undefined).at(-1)
  return line === undefined ? error : m.virshFailed(uri, line)
}

function safeHost(uri: string): string {
  try {
    return uriHost(uri)
  } catch {
    return uri
  }
}
