import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { ConsoleCloseCode, bridgeVnc, type VncBridge } from './vnc-bridge'

// The bridge between a real WebSocket and a real UNIX socket (a plain stream server standing
// in for QEMU's VNC server, so that volumes and stalls can be controlled). Against QEMU itself:
// console-server.integration.test.ts.

let dir: string
let socketPath: string
let unixServer: Server
let peer: Promise<Socket>
let peers: Socket[]
let wss: WebSocketServer
let bridges: VncBridge[]
let url: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-bridge-'))
  socketPath = join(dir, 'vnc.sock')
  unixServer = createServer()
  peers = []
  unixServer.on('connection', (socket) => peers.push(socket))
  peer = new Promise((resolve) => unixServer.once('connection', resolve))
  await new Promise<void>((resolve) => unixServer.listen(socketPath, resolve))
  bridges = []
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (ws, req) => {
    const path = req.url === '/missing' ? join(dir, 'missing.sock') : socketPath
    bridges.push(bridgeVnc(ws, path, { highWaterMark: 64 * 1024 }))
  })
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
})

afterEach(async () => {
  rmSync(dir, { recursive: true, force: true })
  for (const b of bridges) b.close()
  for (const ws of wss.clients) ws.terminate()
  for (const socket of peers) socket.destroy()
  await new Promise((resolve) => wss.close(resolve))
  await new Promise((resolve) => unixServer.close(resolve))
})

function connect(path = '/'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}${path}`)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
// The two backpressure tests move 64 MiB each way (far beyond every buffer on the path):
// on a busy machine that takes more than vitest's default 5 s, and no time is judged.

/**
 * Waits until a flow has stopped: `value()` (bytes written, bytes still queued) has not moved
 * for `quietMs`, or has reached `end` (everything went through). However slow the machine,
 * the flow is judged once it has stalled, not after a fixed time. Returns the last value.
 */
async function stalled(value: () => number, end: number, quietMs = 250): Promise<number> {
  const deadline = Date.now() + 60_000
  let last = value()
  let since = Date.now()
  while (last !== end && Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still flowing after 60 s (at ${last})`)
    await sleep(25)
    const now = value()
    if (now !== last) [last, since] = [now, Date.now()]
  }
  return last
}

describe('bridgeVnc', () => {
  it('carries bytes both ways as binary messages', async () => {
    const ws = await connect()
    const server = await peer
    const fromServer = new Promise<Buffer>((resolve) =>
      ws.once('message', (d: Buffer) => resolve(d)),
    )
    server.write('RFB 003.008\n')
    expect((await fromServer).toString()).toBe('RFB 003.008\n')
    const fromClient = new Promise<Buffer>((resolve) => server.once('data', resolve))
    ws.send(Buffer.from([1, 2, 3]))
    expect([...(await fromClient)]).toEqual([1, 2, 3])
  })

  it('stops reading from the VNC socket while the WebSocket client is not reading', async () => {
    const ws = await connect()
    const server = await peer
    ws.pause()
    const total = 64 * 1024 * 1024
    const data = randomBytes(total)
    let written = 0
    let writing = true
    void (async () => {
      while (writing && written < total) {
        const chunk = data.subarray(written, written + 256 * 1024)
        written += chunk.length
        if (!server.write(chunk)) await new Promise((r) => server.once('drain', r))
      }
    })()
    // Kernel and socket buffers hold some; the bridge must not have swallowed the rest.
    expect(await stalled(() => written, total)).toBeLessThan(total / 2)
    const received: Buffer[] = []
    let bytes = 0
    const all = new Promise<void>((resolve) =>
      ws.on('message', (d: Buffer) => {
        received.push(d)
        bytes += d.length
        if (bytes >= total) resolve()
      }),
    )
    ws.resume()
    await all
    writing = false
    expect(sha(Buffer.concat(received))).toBe(sha(data))
  }, 120_000)

  it('stops reading from the WebSocket while the VNC socket is not reading', async () => {
    const ws = await connect()
    const server = await peer
    server.pause()
    const total = 64 * 1024 * 1024
    const data = randomBytes(total)
    for (let i = 0; i < total; i += 1024 * 1024) ws.send(data.subarray(i, i + 1024 * 1024))
    // Unsent data stays with the client instead of piling up in the bridge.
    expect(await stalled(() => ws.bufferedAmount, 0)).toBeGreaterThan(total / 2)
    const received: Buffer[] = []
    let bytes = 0
    const all = new Promise<void>((resolve) =>
      server.on('data', (d: Buffer) => {
        received.push(d)
        bytes += d.length
        if (bytes >= total) resolve()
      }),
    )
    server.resume()
    await all
    expect(sha(Buffer.concat(received))).toBe(sha(data))
  }, 120_000)

  it('closes the WebSocket when the VNC server closes, and settles', async () => {
    const ws = await connect()
    const server = await peer
    const closed = closeOf(ws)
    server.end()
    expect(await closed).toEqual({
      code: ConsoleCloseCode.vncClosed,
      reason: 'The VM console closed.',
    })
    await bridges[0]?.closed
  })

  it('ends the VNC connection when the WebSocket closes', async () => {
    const ws = await connect()
    const server = await peer
    const ended = new Promise((resolve) => server.once('end', resolve))
    server.resume()
    ws.close()
    await ended
    await bridges[0]?.closed
  })

  it('answers a missing socket with the "unavailable" close code', async () => {
    const ws = await connect('/missing')
    const closed = await closeOf(ws)
    expect(closed.code).toBe(ConsoleCloseCode.unavailable)
    expect(closed.reason).toMatch(/not available/)
  })

  it('refuses text messages', async () => {
    const ws = await connect()
    await peer
    const closed = closeOf(ws)
    ws.send('hello')
    expect((await closed).code).toBe(ConsoleCloseCode.unsupportedData)
  })
})
