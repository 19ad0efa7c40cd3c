import { readStaticFile, staticFilePath } from '../core/files/static-file'
import { APP_ORIGIN, ELECTRON_CSP } from './window-options'

// What the app:// protocol serves: the built renderer's files, on our one host, and nothing
// else. (The web host serves the same files over HTTP with src-main/web/static-files.ts; both
// find them with core/files/static-file.ts.)

/** The percent-decoded path of a request's URL, or null unless it is on our origin and decodes. */
function rendererPath(url: string): string | null {
  if (!URL.canParse(url)) return null
  const parsed = new URL(url)
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN || parsed.username !== '') return null
  try {
    return decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
}

/**
 * The file under `root` that a request's URL names, or null: only URLs on our origin, a path
 * that decodes, has no NUL and stays inside `root` after normalising; `/` is index.html.
 */
export function rendererFile(root: string, url: string): string | null {
  const path = rendererPath(url)
  return path === null ? null : staticFilePath(root, path)
}

/** The app:// protocol handler: a file of the built renderer with its type and our CSP, or a 404. */
export async function serveRenderer(root: string, request: Request): Promise<Response> {
  const path = rendererPath(request.url)
  const found = path === null ? null : await readStaticFile(root, path)
  if (found === null) return notFound()
  return new Response(found.body, {
    headers: {
      'Content-Type': found.contentType,
      'Content-Security-Policy': ELECTRON_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  })
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
}
