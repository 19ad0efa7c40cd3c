import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

// The built renderer's files as both doors serve them (the web host over HTTP, the Electron
// window over app://): which file a request's path names, and with what content type. Each
// door adds its own checks of the request and its own headers.

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/**
 * The file under `root` that a percent-decoded URL path names, or null: a path with no NUL
 * that stays inside `root` after normalising; `/` is index.html.
 */
export function staticFilePath(root: string, decoded: string): string | null {
  if (decoded.includes('\0')) return null
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '')
  const file = join(root, relative)
  return file.startsWith(root + sep) ? file : null
}

/** The file a decoded path names (see staticFilePath) and its content type; null if there is no such file. */
export async function readStaticFile(
  root: string,
  decoded: string,
): Promise<{ body: Buffer; contentType: string } | null> {
  const file = staticFilePath(root, decoded)
  if (file === null) return null
  try {
    if (!(await stat(file)).isFile()) return null
    const body = await readFile(file)
    return { body, contentType: contentTypes[extname(file)] ?? 'application/octet-stream' }
  } catch {
    return null
  }
}
