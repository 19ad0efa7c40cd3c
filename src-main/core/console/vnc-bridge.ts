import { createConnection } from 'node:net'
import type { RawData, WebSocket } from 'ws'
import type { VncEndpoint } from './console-tokens'

/** Close codes a console WebSocket ends with, so a front end can say what happened. */
export const ConsoleCloseCode = {
  /** QEMU's VNC server ended the session (the VM stopped, or QEMU dropped the client). */
  vncClosed: 1000,
  /** Vireo closed the console (server shutting down, or the VM's consoles were closed). */
  goingAway: 1001,
  /** The client sent a text message; the console carries binary RFB only. */
  unsupportedData: 1003,
  /** The connection to the VNC socket broke mid-session. */
  vncError: 1011,
  /** There is no VNC server at the VM's socket: the VM is not running. */
  unavailable: 4004,
} as const

export interface VncBridgeOptions {
  /** Bytes sent to the WebSocket but not yet written out before reading from QEMU pauses. */
  highWaterMark?: number
}

export interface VncBridge {
  /** Resolves once both the WebSocket and the VNC socket are closed. */
  readonly closed: Promise<void>
  /** Ends the session from Vireo's side. */
  close: (code?: number, reason?: string) => void
}

/**
 * Pipes an open WebSocket to QEMU's VNC server on a UNIX socket (or a stream a backend opens
 * to it, `endpoint` a function): binary messages go to the socket as bytes, bytes from the socket go out as binary messages. Each direction pauses its
 * source while the other side is backed up; when either side closes, so does the other.
 */
export function bridgeVnc(
  ws: WebSocket,
  endpoint: VncEndpoint,
  options: VncBridgeOptions = {},
): VncBridge {
  const highWaterMark = options.highWaterMark ?? 1024 * 1024
  let resolveClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
  if (ws.readyState !== ws.OPEN) {
    ws.terminate()
    resolveClosed()
    return { closed, close: () => {} }
  }

  const socket = typeof endpoint === 'string' ? createConnection(endpoint) : endpoint()
  let connected = false
  let socketError: Error | undefined
  let socketClosed = false
  let wsClosed = false
  let inFlight = 0
  let socketPaused = false

  const settle = (): void => {
    if (socketClosed && wsClosed) resolveClosed()
  }
  const closeWs = (code: number, reason: string): void => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(code, reason)
    }
  }

  socket.on('connect', () => (connected = true))
  // A stream has no 'connect': its VNC server is there once it speaks (RFB servers speak first).
  socket.once('data', () => (connected = true))
  socket.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return
    inFlight += chunk.length
    ws.send(chunk, { binary: true }, () => {
      inFlight -= chunk.length
      if (socketPaused && inFlight <= highWaterMark / 2) {
        socketPaused = false
        socket.resume()
      }
    })
    if (!socketPaused && inFlight > highWaterMark) {
      socketPaused = true
      socket.pause()
    }
  })
  socket.on('drain', () => ws.resume())
  socket.on('error', (error) => (socketError = error))
  // The server's end ends the session (a net socket closes by itself; a stream may be half-open).
  socket.on('end', () => socket.destroy())
  socket.on('close', () => {
    socketClosed = true
    if (!connected) {
      closeWs(ConsoleCloseCode.unavailable, 'The VM console is not available: is the VM running?')
    } else if (socketError !== undefined) {
      closeWs(ConsoleCloseCode.vncError, 'The connection to the VM console broke.')
    } else {
      closeWs(ConsoleCloseCode.vncClosed, 'The VM console closed.')
    }
    settle()
  })

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) {
      closeWs(ConsoleCloseCode.unsupportedData, 'The console accepts binary messages only.')
      socket.destroy()
      return
    }
    if (!socket.write(toBuffer(data))) ws.pause()
  })
  ws.on('error', () => {
    // A protocol error or a broken connection: `close` follows and ends the socket.
  })
  ws.on('close', () => {
    wsClosed = true
    if (!socketClosed) {
      // Let what the client sent last reach QEMU, but do not wait on it for long.
      socket.end()
      setTimeout(() => socket.destroy(), 2000).unref()
    }
    settle()
  })

  return {
    closed,
    close: (code: number = ConsoleCloseCode.goingAway, reason = 'The console was closed.') => {
      closeWs(code, reason)
      socket.destroy()
    },
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
