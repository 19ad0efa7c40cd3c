import { connect, type Socket } from 'node:net'

/**
 * Test support (not shipped): HTTP requests written byte for byte on a plain TCP socket, for
 * what `fetch` and `ws` would never send (`GET //`, broken request lines, huge headers).
 */
export interface RawAnswer {
  /** The status of the answer's status line; null when the connection closed without one. */
  status: number | null
  /** The answer's head (status line and headers), as received. */
  head: string
}

/**
 * Sends `request` to `host` (127.0.0.1 unless told):`port` and resolves with the answer's head as soon as it has
 * arrived (the connection is then closed), or with status null if the server closes the
 * connection first. Rejects if nothing happens within `timeoutMs`.
 */
export function rawRequest(
  port: number,
  request: string | Buffer,
  { timeoutMs = 10_000, host = '127.0.0.1' }: { timeoutMs?: number; host?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host)
    let received = Buffer.alloc(0)
    const finish = (answer: RawAnswer | Error): void => {
      clearTimeout(timer)
      socket.destroy()
      if (answer instanceof Error) reject(answer)
      else resolve(answer)
    }
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${timeoutMs} ms to ${preview(request)}`)),
      timeoutMs,
    )
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n\r\n')
      if (end >= 0) finish(parse(received.subarray(0, end).toString('latin1')))
    })
    // A reset after the server answered and closed is still a close.
    socket.on('error', () => undefined)
    socket.on('close', () => finish(parse(received.toString('latin1'))))
    socket.write(request)
  })
}

function parse(head: string): RawAnswer {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head)
  return { status: match?.[1] === undefined ? null : Number(match[1]), head }
}

export function preview(request: string | Buffer): string {
  const text = typeof request === 'string' ? request : request.toString('latin1')
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}… (${text.length} bytes)` : text)
}

/** A socket that sends `request` one byte every `everyMs` and never finishes it. */
export function slowClient(port: number, request: string, everyMs: number): SlowClient {
  const socket = connect(port, '127.0.0.1')
  const client: SlowClient = { socket, received: '', closed: false, stop: () => undefined }
  let at = 0
  const timer = setInterval(() => {
    if (at < request.length && socket.writable) socket.write(request[at++] ?? '')
  }, everyMs)
  socket.on('data', (chunk: Buffer) => (client.received += chunk.toString('latin1')))
  socket.on('error', () => undefined)
  socket.on('close', () => {
    client.closed = true
    clearInterval(timer)
  })
  client.stop = () => {
    clearInterval(timer)
    socket.destroy()
  }
  return client
}

export interface SlowClient {
  socket: Socket
  received: string
  closed: boolean
  stop(): void
}
