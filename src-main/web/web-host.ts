import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { isIP } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Reply } from '../api/dispatch'
import type { EventSource } from '../api/wire'
import { VireoError, msg } from '../core/errors'
import { serveApiSocket } from './api-socket'
import { COOKIE_NAME, isAuthorized, isSameOrigin, requestToken, tokenProblem } from './auth'
import { hostHeaderCheck, singleHost } from './host-header'
import { parseRequestTarget, withoutToken } from './request-target'
import { guardRequest, guardUpgrade, refuseUpgrade } from './request-guard'
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
  /** How long a client may take to send a request's headers (a slow client gets 408). */
  headersTimeoutMs?: number
}

export interface WebHost {
  server: Server
  url: string
  close(): Promise<void>
}

const text = { 'Content-Type': 'text/plain; charset=utf-8' }

/**
 * The loopback HTTP/WebSocket door: the built UI, the API over `/api`, consoles over
 * `/console/<id>`. Every request and upgrade needs the token (in the URL once, then the
 * HttpOnly cookie); a wrong or missing one gets 401 and nothing else. A target that cannot be
 * parsed gets 400 and a foreign Host header 421, before the token is looked at; whatever a
 * handler throws is logged and answered, never fatal.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const problem = tokenProblem(options.token)
  if (problem !== null)
    throw new VireoError('INVALID_INPUT', problem, msg('error.web.randomToken'))
  const apiSockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  // Known once it listens (port 0 is any free port); no request comes before.
  let hostAllowed: (header: string | undefined) => boolean = () => false
  let boundOrigin = ''

  const handle = guardRequest(async (req, res) => {
    const target = parseRequestTarget(req.url)
    if (target === null) {
      res.writeHead(400, text)
      res.end('Bad request: the address could not be read.')
      return
    }
    if (!hostAllowed(singleHost(req.rawHeaders))) {
      res.writeHead(421, text)
      res.end(`Misdirected request: this Vireo web host answers only as ${boundOrigin}.`)
      return
    }
    if (!isAuthorized(req, target, options.token)) {
      res.writeHead(401, text)
      res.end('Unauthorized: open the URL that `vireo web` printed (it carries the token).')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders(), Allow: 'GET, HEAD' })
      res.end()
      return
    }
    if (requestToken(req, target).fromQuery) {
      // The cookie carries the token from now on: take it out of the address bar and history.
      res.writeHead(303, {
        ...securityHeaders(),
        'Set-Cookie': `${COOKIE_NAME}=${options.token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: withoutToken(target),
        'Cache-Control': 'no-store',
      })
      res.end()
      return
    }
    await serveStatic(options.staticDir, target.decodedPath, res)
  })
  const server = createServer(
    { headersTimeout: options.headersTimeoutMs ?? 10_000, connectionsCheckingInterval: 1000 },
    handle,
  )
  // No request here has a body to wait for: `Expect: 100-continue` gets the answer at once
  // (Node would say "100 Continue" first, to anyone, before any check).
  server.on('checkContinue', handle)

  server.on(
    'upgrade',
    guardUpgrade((req, socket, head) => {
      const target = parseRequestTarget(req.url)
      if (target === null) return refuseUpgrade(socket, 400, 'Bad Request')
      if (!hostAllowed(singleHost(req.rawHeaders)))
        return refuseUpgrade(socket, 421, 'Misdirected Request')
      const isConsole = target.path.startsWith('/console/')
      if (!isAuthorized(req, target, options.token, { query: !isConsole }) || !isSameOrigin(req)) {
        return refuseUpgrade(socket, 401, 'Unauthorized')
      }
      if (target.path === '/api') {
        apiSockets.handleUpgrade(req, socket, head, (ws) =>
          serveApiSocket(ws, options.dispatch, options.events),
        )
      } else if (isConsole) {
        options.consoleUpgrade(req, socket, head)
      } else {
        refuseUpgrade(socket, 404, 'Not Found')
      }
    }),
  )

  // CONNECT (a proxy's method) is not answered by Node at all when nobody listens for it.
  server.on(
    'connect',
    guardUpgrade((_req, socket) => refuseUpgrade(socket, 405, 'Method Not Allowed')),
  )

  await listen(server, options.host, options.port)
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  hostAllowed = hostHeaderCheck(options.host, port)
  boundOrigin = origin(options.host, port)
  return {
    server,
    url: `${boundOrigin}/?token=${encodeURIComponent(options.token)}`,
    close: async () => {
      for (const ws of apiSockets.clients) ws.terminate()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function origin(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new VireoError(
            'INVALID_INPUT',
            msg('error.web.portInUse', { port, host }),
            msg('error.web.portInUseHint'),
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
