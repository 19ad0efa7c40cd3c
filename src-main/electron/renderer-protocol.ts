import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { APP_ORIGIN, ELECTRON_CSP } from './window-options'

// What the app:// protocol serves: the built renderer's files, on our one host, and nothing
// else. (The web host serves the same files over HTTP with src-main/web/static-files.ts.)

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

/**
 * The file under `root` that a request's URL names, or null: only URLs on our origin, a path
 * that decodes, has no NUL and stays inside `root` after normalising; `/` is index.html.
 */
export function rendererFile(root: string, url: string): string | null {
  if (!URL.canParse(url)) return null
  const parsed = new URL(url)
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN || parsed.username !== '') return null
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^[/\\]+/, '')
  const file = join(root, relative)
  return file.startsWith(root + sep) ? file : null
}

/** The app:// protocol handler: a file of the built renderer with its type and our CSP, or a 404. */
export async function serveRenderer(root: string, request: Request): Promise<Response> {
  const file = rendererFile(root, request.url)
  if (file === null) return notFound()
  try {
    if (!(await stat(file)).isFile()) return notFound()
    const body = await readFile(file)
    return new Response(body, {
      headers: {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': ELECTRON_CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    })
  } catch {
    return notFound()
  }
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
}
