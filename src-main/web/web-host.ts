import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { isIP } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Reply } from '../api/dispatch'
import type { EventSource } from '../api/wire'
import { VireoError } from '../core/errors'
import { serveApiSocket } from './api-socket'
import { COOKIE_NAME, isAuthorized, isSameOrigin, requestToken } from './auth'
import { securityHeaders, serveStatic } from './static-files'

export interface WebHostOptions {
  dispatch: (method: unknown, params: unknown) => Promise<Reply>
  events: EventSource
  /** Routes `/console/<id>` upgrades to the VNC bridge (it checks its own per-VM token). */
  consoleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** The built renderer (out/renderer). */
  staticDir: string
  token: string
  host: string
  port: number
}

export interface WebHost {
  server: Server
  url: string
  close(): Promise<void>
}

/**
 * The loopback HTTP/WebSocket door: the built UI, the API over `/api`, consoles over
 * `/console/<id>`. Every request and upgrade needs the token (in the URL once, then the
 * HttpOnly cookie); a wrong or missing one gets 401 and nothing else.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const apiSockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })

  const server = createServer((req, res) => {
    if (!isAuthorized(req, options.token)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Unauthorized: open the URL that `vireo web` printed (it carries the token).')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders())
      res.end()
      return
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (requestToken(req).fromQuery) {
      res.setHeader(
        'Set-Cookie',
        `${COOKIE_NAME}=${options.token}; HttpOnly; SameSite=Strict; Path=/`,
      )
    }
    void serveStatic(options.staticDir, url.pathname, res)
  })

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const isConsole = path.startsWith('/console/')
    if (!isAuthorized(req, options.token, { query: !isConsole }) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    if (path === '/api') {
      apiSockets.handleUpgrade(req, socket, head, (ws) =>
        serveApiSocket(ws, options.dispatch, options.events),
      )
    } else if (isConsole) {
      options.consoleUpgrade(req, socket, head)
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    }
  })

  await listen(server, options.host, options.port)
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  const hostPart = isIP(options.host) === 6 ? `[${options.host}]` : options.host
  return {
    server,
    url: `http://${hostPart}:${port}/?token=${options.token}`,
    close: async () => {
      for (const ws of apiSockets.clients) ws.terminate()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new VireoError(
            'INVALID_INPUT',
            `Port ${port} on ${host} is already in use.`,
            'Choose another with --port N, or --port 0 for any free port.',
          ),
        )
      } else reject(error)
    })
    server.listen(port, host, () => resolve())
  })
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}
