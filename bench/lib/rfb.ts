import { createConnection, type Socket } from 'node:net'
import { WebSocket } from 'ws'

/**
 * Just enough of an RFB (VNC) client to measure a console: handshake, raw encoding with a
 * framebuffer mirror, continuous incremental updates, key events. It speaks over a WebSocket
 * (Vireo's console bridge) or straight to QEMU's VNC UNIX socket, so both can be compared.
 */
interface Channel {
  write(bytes: Buffer): void
  close(): void
  onData(listener: (chunk: Buffer) => void): void
  onClose(listener: () => void): void
}

export interface ServerInit {
  width: number
  height: number
  bitsPerPixel: number
  name: string
}

export interface Update {
  /** When its first byte had arrived (performance.now()). */
  firstByteAt: number
  /** When the whole update had arrived. */
  at: number
  rectangles: number
  pixelBytes: number
  /** Share of the screen its rectangles cover (0–1). */
  area: number
  /**
   * Whether a pixel changed in the glyph rows of a text cell (text mode: scan lines 0–12 of
   * each 16-line cell). The blinking underline cursor lives in lines 13–15, so its blinks do
   * not count; a character appearing or vanishing does.
   */
  glyphsChanged: boolean
}

export const Keysym = {
  Return: 0xff0d,
  BackSpace: 0xff08,
  ControlL: 0xffe3,
  ShiftL: 0xffe1,
} as const

/** US layout: the characters typed with Shift held, and their unshifted keys. */
const SHIFTED = '~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ'

export class RfbClient {
  private chunks: Buffer[] = []
  private length = 0
  private waiter: (() => void) | undefined
  private closed = false
  private mirror = Buffer.alloc(0)
  init: ServerInit = { width: 0, height: 0, bitsPerPixel: 32, name: '' }

  private constructor(private readonly channel: Channel) {
    channel.onData((chunk) => {
      this.chunks.push(chunk)
      this.length += chunk.length
      this.waiter?.()
    })
    channel.onClose(() => {
      this.closed = true
      this.waiter?.()
    })
  }

  /** Over a WebSocket (the console bridge); `headers` carry the web host's cookie. */
  static overWebSocket(url: string, headers: Record<string, string>): Promise<RfbClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['binary'], { headers, perMessageDeflate: false })
      ws.once('open', () =>
        resolve(
          new RfbClient({
            write: (b) => ws.send(b),
            close: () => ws.close(),
            onData: (l) => ws.on('message', (d: Buffer) => l(d)),
            onClose: (l) => ws.on('close', l),
          }),
        ),
      )
      ws.once('unexpected-response', (_req, res) => reject(new Error(`console upgrade refused: HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  /** Straight to a VNC UNIX socket. */
  static overSocket(path: string): Promise<RfbClient> {
    return new Promise((resolve, reject) => {
      const socket: Socket = createConnection(path)
      socket.setNoDelay?.(true)
      socket.once('connect', () =>
        resolve(
          new RfbClient({
            write: (b) => socket.write(b),
            close: () => socket.destroy(),
            onData: (l) => socket.on('data', l),
            onClose: (l) => socket.on('close', l),
          }),
        ),
      )
      socket.once('error', reject)
    })
  }

  private async fill(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.length < n) {
      if (this.closed) throw new Error(`VNC connection closed with ${this.length} of ${n} bytes`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`VNC read timed out with ${this.length} of ${n} bytes`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          this.waiter = undefined
          resolve()
        }
      })
    }
  }

  /** Exactly `n` bytes. */
  async read(n: number, timeoutMs = 30_000): Promise<Buffer> {
    await this.fill(n, timeoutMs)
    const first = this.chunks[0]!
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
    } else {
      out = Buffer.allocUnsafe(n)
      let at = 0
      while (at < n) {
        const chunk = this.chunks[0]!
        const take = Math.min(chunk.length, n - at)
        chunk.copy(out, at, 0, take)
        at += take
        if (take === chunk.length) this.chunks.shift()
        else this.chunks[0] = chunk.subarray(take)
      }
    }
    this.length -= n
    return out
  }

  send(bytes: Buffer | number[]): void {
    this.channel.write(Buffer.from(bytes))
  }

  close(): void {
    this.channel.close()
  }

  /** RFB 3.8, security None, shared session; raw encoding plus DesktopSize. */
  async handshake(): Promise<ServerInit> {
    const version = (await this.read(12)).toString('latin1')
    if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`)
    this.send(Buffer.from('RFB 003.008\n', 'latin1'))
    const count = (await this.read(1)).readUInt8(0)
    if (count === 0) throw new Error('VNC server refused the connection')
    const types = [...(await this.read(count))]
    if (!types.includes(1)) throw new Error(`no security type None: ${types.join(',')}`)
    this.send([1])
    if ((await this.read(4)).readUInt32BE(0) !== 0) throw new Error('VNC security handshake failed')
    this.send([1])
    const init = await this.read(24)
    this.init = {
      width: init.readUInt16BE(0),
      height: init.readUInt16BE(2),
      bitsPerPixel: init.readUInt8(4),
      name: (await this.read(init.readUInt32BE(20))).toString('utf8'),
    }
    this.mirror = Buffer.alloc(this.init.width * this.init.height * (this.init.bitsPerPixel / 8))
    const encodings = [0, -223]
    const message = Buffer.alloc(4 + 4 * encodings.length)
    message.writeUInt8(2, 0)
    message.writeUInt16BE(encodings.length, 2)
    encodings.forEach((e, i) => message.writeInt32BE(e, 4 + 4 * i))
    this.send(message)
    return this.init
  }

  requestUpdate(incremental: boolean): void {
    const request = Buffer.alloc(10)
    request.writeUInt8(3, 0)
    request.writeUInt8(incremental ? 1 : 0, 1)
    request.writeUInt16BE(this.init.width, 6)
    request.writeUInt16BE(this.init.height, 8)
    this.send(request)
  }

  /** The next FramebufferUpdate, applied to the mirror (other server messages are skipped). */
  async readUpdate(timeoutMs = 30_000): Promise<Update> {
    for (;;) {
      const type = (await this.read(1, timeoutMs)).readUInt8(0)
      if (type === 0) return this.readRectangles(performance.now(), timeoutMs)
      if (type === 1) {
        const header = await this.read(5, timeoutMs)
        await this.read(header.readUInt16BE(3) * 6, timeoutMs)
      } else if (type === 2) {
        // Bell: no payload.
      } else if (type === 3) {
        const header = await this.read(7, timeoutMs)
        await this.read(header.readUInt32BE(3), timeoutMs)
      } else {
        throw new Error(`unexpected RFB server message ${type}`)
      }
    }
  }

  private async readRectangles(firstByteAt: number, timeoutMs: number): Promise<Update> {
    const header = await this.read(3, timeoutMs)
    const rectangles = header.readUInt16BE(1)
    let pixelBytes = 0
    let area = 0
    let glyphsChanged = false
    const bpp = this.init.bitsPerPixel / 8
    for (let i = 0; i < rectangles; i++) {
      const rect = await this.read(12, timeoutMs)
      const [x, y, w, h] = [rect.readUInt16BE(0), rect.readUInt16BE(2), rect.readUInt16BE(4), rect.readUInt16BE(6)]
      const encoding = rect.readInt32BE(8)
      if (encoding === -223) {
        this.init = { ...this.init, width: w, height: h }
        this.mirror = Buffer.alloc(w * h * bpp)
        glyphsChanged = true
        continue
      }
      if (encoding !== 0) throw new Error(`unexpected encoding ${encoding}`)
      const pixels = await this.read(w * h * bpp, timeoutMs)
      pixelBytes += pixels.length
      area += w * h
      const stride = this.init.width * bpp
      const textMode = this.init.height === 400
      for (let row = 0; row < h; row++) {
        const source = pixels.subarray(row * w * bpp, (row + 1) * w * bpp)
        const at = (y + row) * stride + x * bpp
        const target = this.mirror.subarray(at, at + w * bpp)
        if (!glyphsChanged && (!textMode || (y + row) % 16 <= 12) && !source.equals(target)) glyphsChanged = true
        source.copy(this.mirror, at)
      }
    }
    return {
      firstByteAt,
      at: performance.now(),
      rectangles,
      pixelBytes,
      area: area / Math.max(1, this.init.width * this.init.height),
      glyphsChanged,
    }
  }

  key(keysym: number, down: boolean): void {
    const message = Buffer.alloc(8)
    message.writeUInt8(4, 0)
    message.writeUInt8(down ? 1 : 0, 1)
    message.writeUInt32BE(keysym, 4)
    this.send(message)
  }

  press(keysym: number): void {
    this.key(keysym, true)
    this.key(keysym, false)
  }

  /** Types ASCII text as key presses (US layout), Shift held where a character needs it. */
  async type(text: string, gapMs = 8): Promise<void> {
    for (const ch of text) {
      const shifted = SHIFTED.includes(ch)
      if (shifted) this.key(Keysym.ShiftL, true)
      this.press(ch === '\n' ? Keysym.Return : ch.charCodeAt(0))
      if (shifted) this.key(Keysym.ShiftL, false)
      await new Promise((r) => setTimeout(r, gapMs))
    }
  }
}

/** Connects to a VNC UNIX socket, retrying every `intervalMs` until it exists. */
export async function connectWhenListening(path: string, timeoutMs: number, intervalMs: number): Promise<RfbClient> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await RfbClient.overSocket(path)
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  }
}
