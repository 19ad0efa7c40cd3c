/**
 * What a request asks for, parsed once and safely. Everything the web host routes on, checks
 * a token from or serves a file by comes from here: a target that cannot be parsed is a 400,
 * never an exception (`new URL('//', base)` throws, and so does `decodeURIComponent('%E0%A4%A')`).
 */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), e.g. `/console/ab%20c`. */
  path: string
  /** The path percent-decoded; any path that does not decode is refused before this exists. */
  decodedPath: string
  /** The query without its `?`, as sent ('' when there is none). */
  search: string
  query: URLSearchParams
}

/** A fixed origin in front of the target: the target can only ever be a path and a query. */
const ORIGIN = 'http://vireo.invalid'

/**
 * Parses an origin-form request target (`/path?query`). Null for anything else: `*`,
 * absolute-form (`http://…`), a target that is not a URL, or a path whose percent-encoding
 * is broken.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget | null {
  if (raw === undefined || !raw.startsWith('/')) return null
  let url: URL
  try {
    url = new URL(ORIGIN + raw)
  } catch {
    return null
  }
  if (url.origin !== ORIGIN) return null
  let decodedPath: string
  try {
    decodedPath = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  return {
    path: url.pathname,
    decodedPath,
    search: url.search.replace(/^\?/, ''),
    query: url.searchParams,
  }
}

/**
 * The same path and query with every `token` parameter taken out, for the redirect that takes
 * the token out of the address bar. The other parameters stay exactly as sent. Leading slashes
 * are collapsed to one, so the result is never a protocol-relative URL (`//evil.example/`).
 */
export function withoutToken(target: RequestTarget): string {
  const kept = target.search
    .split('&')
    .filter((part) => part !== '' && !new URLSearchParams(part).has('token'))
  const path = `/${target.path.replace(/^\/+/, '')}`
  return kept.length === 0 ? path : `${path}?${kept.join('&')}`
}
