import { WebSocket } from 'ws'

/**
 * Test support (not shipped): just enough of an RFB (VNC) client, over a WebSocket, to prove
 * the console bridge carries a real session: version, security "None", ClientInit,
 * ServerInit, one raw FramebufferUpdate.
 */

export interface ServerInit {
  width: number
  height: number
  bitsPerPixel: number
  name: string
}

export interface CloseInfo {
  code: number
  reason: string
}

export class RfbTestClient {
  private buffer = Buffer.alloc(0)
  private waiter: (() => void) | undefined
  readonly closed: Promise<CloseInfo>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data])
      this.waiter?.()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.waiter?.()
        resolve({ code, reason: reason.toString() })
      })
    })
  }

  /** Opens a WebSocket to `url`; rejects with the HTTP status if the upgrade is refused. */
  static open(
    url: string,
    protocols: string[] = [],
    options: { origin?: string; headers?: Record<string, string> } = {},
  ): Promise<RfbTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options)
      ws.once('open', () => resolve(new RfbTestClient(ws)))
      ws.once('unexpected-response', (_req, res) => {
        reject(new HttpRefusal(res.statusCode ?? 0, res.headers['content-length']))
        res.resume()
        ws.terminate()
      })
      ws.once('error', reject)
    })
  }

  /** Exactly `n` bytes from the server. */
  async read(n: number, timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs
    while (this.buffer.length < n) {
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`connection closed with ${this.buffer.length} of ${n} bytes read`)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out with ${this.buffer.length} of ${n} bytes read`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          this.waiter = undefined
          resolve()
        }
      })
    }
    const out = this.buffer.subarray(0, n)
    this.buffer = this.buffer.subarray(n)
    return out
  }

  send(bytes: Buffer | number[]): void {
    this.ws.send(Buffer.from(bytes))
  }

  close(): void {
    this.ws.close()
  }

  /**
   * Version 3.8, security type None, ClientInit (shared unless `exclusive`: the flag a viewer
   * sets to ask the server to drop every other client); returns the ServerInit.
   */
  async handshake({ exclusive = false } = {}): Promise<ServerInit> {
    const version = (await this.read(12)).toString('latin1')
    if (version !== 'RFB 003.008\n')
      throw new Error(`unexpected server version ${JSON.stringify(version)}`)
    this.send(Buffer.from('RFB 003.008\n', 'latin1'))
    const count = (await this.read(1)).readUInt8(0)
    if (count === 0) throw new Error('server refused the connection')
    const types = [...(await this.read(count))]
    if (!types.includes(1))
      throw new Error(`server does not offer security None: ${types.join(',')}`)
    this.send([1])
    const result = (await this.read(4)).readUInt32BE(0)
    if (result !== 0) throw new Error(`security handshake failed (${result})`)
    this.send([exclusive ? 0 : 1]) // ClientInit: shared-flag
    const init = await this.read(24)
    const nameLength = init.readUInt32BE(20)
    return {
      width: init.readUInt16BE(0),
      height: init.readUInt16BE(2),
      bitsPerPixel: init.readUInt8(4),
      name: (await this.read(nameLength)).toString('utf8'),
    }
  }

  /**
   * Asks for the whole screen (non-incremental) in raw encoding, QEMU's default when the
   * client names none, and reads the whole reply; returns its rectangles and pixel bytes.
   */
  async requestFramebuffer(init: ServerInit): Promise<{ rectangles: number; pixelBytes: number }> {
    const request = Buffer.alloc(10)
    request.writeUInt8(3, 0)
    request.writeUInt8(0, 1)
    request.writeUInt16BE(0, 2)
    request.writeUInt16BE(0, 4)
    request.writeUInt16BE(init.width, 6)
    request.writeUInt16BE(init.height, 8)
    this.send(request)
    const header = await this.read(4)
    if (header.readUInt8(0) !== 0)
      throw new Error(`expected FramebufferUpdate, got type ${header.readUInt8(0)}`)
    const rectangles = header.readUInt16BE(2)
    let pixelBytes = 0
    for (let i = 0; i < rectangles; i++) {
      const rect = await this.read(12)
      const w = rect.readUInt16BE(4)
      const h = rect.readUInt16BE(6)
      const encoding = rect.readInt32BE(8)
      if (encoding !== 0) throw new Error(`expected raw encoding, got ${encoding}`)
      const bytes = w * h * (init.bitsPerPixel / 8)
      await this.read(bytes)
      pixelBytes += bytes
    }
    return { rectangles, pixelBytes }
  }
}

export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly contentLength: string | undefined,
  ) {
    super(`HTTP ${status}`)
  }
}

/** The HTTP status with which an upgrade to `url` is refused. */
export async function refusalStatus(
  url: string,
  options: { origin?: string } = {},
): Promise<HttpRefusal> {
  try {
    const client = await RfbTestClient.open(url, [], options)
    client.close()
  } catch (error) {
    if (error instanceof HttpRefusal) return error
    throw error
  }
  throw new Error(`${url} was accepted`)
}
