import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

export type Log = (message: string, error: unknown) => void

export const logToStderr: Log = (message, error) => {
  console.error(`vireo web: ${message}:`, error)
}

/**
 * Runs a request handler so that whatever it throws or rejects with is logged and answered
 * with a 500 (or, once the answer has begun, a closed connection), never a crash of the host.
 */
export function guardRequest(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  log: Log = logToStderr,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const fail = (error: unknown): void => {
      log(`${req.method ?? '?'} ${req.url ?? '?'} failed`, error)
      if (res.headersSent) res.destroy()
      else {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        res.end('Internal error: see the output of `vireo web`.')
      }
    }
    try {
      const done = handler(req, res)
      if (done instanceof Promise) done.catch(fail)
    } catch (error) {
      fail(error)
    }
  }
}

/** The same for upgrade handlers: a failure answers 500 on the raw socket. */
export function guardUpgrade(
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  log: Log = logToStderr,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    // Node takes its own error listener off an upgraded socket: without one, a client that
    // resets the connection while it is refused would crash the process.
    socket.on('error', () => socket.destroy())
    try {
      handler(req, socket, head)
    } catch (error) {
      log(`upgrade ${req.url ?? '?'} failed`, error)
      refuseUpgrade(socket, 500, 'Internal Server Error')
    }
  }
}

/** A bare HTTP error on a socket that asked for an upgrade: status line, no body, closed. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
