import { createConnection, type Socket } from 'node:net'
import { Duplex } from 'node:stream'

/** Connecting again helps with these: the socket is not bound yet, or not listening yet. */
const NOT_YET = new Set(['ENOENT', 'ECONNREFUSED'])

export interface WhenReadyOptions {
  /** Give up (the stream errors) when the socket has not accepted by then. */
  timeoutMs: number
  /** How long between attempts. */
  retryMs?: number
}

/**
 * A stream to a VNC UNIX socket that QEMU may not have bound yet: it connects as soon as the
 * socket accepts, retrying every few milliseconds, and until then holds what is written to it.
 * A console opened while its VM starts is bridged through one of these, so that the first
 * frame comes when QEMU can draw it, not a reconnection later (issue 18, start → first frame).
 * Destroying it (the console closed) stops the attempts.
 */
export function vncWhenReady(path: string, options: WhenReadyOptions): Duplex {
  const retryMs = options.retryMs ?? 10
  const deadline = Date.now() + options.timeoutMs
  let inner: Socket | undefined
  let timer: NodeJS.Timeout | undefined
  const held: [Buffer, (error?: Error | null) => void][] = []

  const outer = new Duplex({
    read() {
      inner?.resume()
    },
    write(chunk: Buffer, _encoding, callback) {
      if (inner === undefined) held.push([chunk, callback])
      else inner.write(chunk, callback)
    },
    final(callback) {
      if (inner !== undefined) return inner.end(callback)
      // Ended before the socket was there (the console closed): nobody is left to connect for;
      // the readable side ends too, so the stream closes (autoDestroy) and attempts stop.
      clearTimeout(timer)
      outer.push(null)
      callback()
    },
    destroy(error, callback) {
      clearTimeout(timer)
      inner?.destroy()
      callback(error)
    },
  })

  const use = (socket: Socket): void => {
    inner = socket
    socket.on('data', (chunk: Buffer) => {
      if (!outer.push(chunk)) socket.pause()
    })
    socket.on('end', () => outer.push(null))
    socket.on('error', (error) => outer.destroy(error))
    socket.on('close', () => outer.destroy())
    for (const [chunk, callback] of held.splice(0)) socket.write(chunk, callback)
  }

  const attempt = (): void => {
    if (outer.destroyed) return
    const socket = createConnection(path)
    socket.once('connect', () => {
      socket.removeAllListeners('error')
      if (outer.destroyed) socket.destroy()
      else use(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy()
      if (NOT_YET.has(error.code ?? '') && Date.now() < deadline) timer = setTimeout(attempt, retryMs)
      else outer.destroy(error)
    })
  }
  attempt()
  return outer
}
