import type { ServerResponse } from 'node:http'
import { readStaticFile } from '../core/files/static-file'

/** The same policy the Electron window gets: nothing but our own files and sockets. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

/**
 * Serves a file of the built renderer by its percent-decoded path (see request-target.ts);
 * anything outside its folder is a 404.
 */
export async function serveStatic(
  root: string,
  decoded: string,
  res: ServerResponse,
): Promise<void> {
  const found = await readStaticFile(root, decoded)
  if (found === null) return notFound(res)
  res.writeHead(200, {
    'Content-Type': found.contentType,
    'Content-Length': found.body.length,
    'Cache-Control': 'no-cache',
    ...securityHeaders(),
  })
  res.end(found.body)
}

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end('Not found')
}
