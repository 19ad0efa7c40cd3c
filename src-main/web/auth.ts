import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const COOKIE_NAME = 'vireo_token'

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The token a request carries: `?token=` in the URL, or the cookie set when the page loaded.
 * Console URLs use `?token=` for their own per-VM ticket, so there only the cookie counts.
 */
export function requestToken(
  req: IncomingMessage,
  options: { query: boolean } = { query: true },
): { token: string | null; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const query = options.query ? url.searchParams.get('token') : null
  if (query !== null) return { token: query, fromQuery: true }
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === COOKIE_NAME) return { token: value.join('='), fromQuery: false }
  }
  return { token: null, fromQuery: false }
}

export function isAuthorized(
  req: IncomingMessage,
  secret: string,
  options: { query: boolean } = { query: true },
): boolean {
  const { token } = requestToken(req, options)
  return token !== null && sameSecret(token, secret)
}

/**
 * A WebSocket from a page on another site would carry our cookie: accept upgrades only
 * from our own origin (or from non-browser clients, which send no Origin).
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
