import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { RequestTarget } from './request-target'
import { msg, type Message } from '../core/errors'

export const COOKIE_NAME = 'vireo_token'

/** The shortest token a user may choose (`VIREO_TOKEN`, `--token-file`). */
export const MIN_TOKEN_LENGTH = 32

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * Why a token cannot be the web host's secret, or null when it can. An empty one would let
 * an empty cookie in; one with other characters would not survive a cookie or the URL.
 * (The length rule is the CLI's, where a person picks a token: `userTokenProblem`.)
 */
export function tokenProblem(token: string): Message | null {
  if (token === '') return msg('error.web.tokenEmpty')
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(token)) {
    return msg('error.web.tokenChars')
  }
  return null
}

/** `tokenProblem`, and at least MIN_TOKEN_LENGTH characters. */
export function userTokenProblem(token: string): Message | null {
  const problem = tokenProblem(token)
  if (problem !== null) return problem
  if (token.length < MIN_TOKEN_LENGTH) {
    return msg('error.web.tokenShort', { length: token.length, min: MIN_TOKEN_LENGTH })
  }
  return null
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
  target: RequestTarget,
  options: { query: boolean } = { query: true },
): { token: string | null; fromQuery: boolean } {
  const query = options.query ? target.query.get('token') : null
  if (query !== null) return { token: query, fromQuery: true }
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === COOKIE_NAME) return { token: value.join('='), fromQuery: false }
  }
  return { token: null, fromQuery: false }
}

export function isAuthorized(
  req: IncomingMessage,
  target: RequestTarget,
  secret: string,
  options: { query: boolean } = { query: true },
): boolean {
  const { token } = requestToken(req, target, options)
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
