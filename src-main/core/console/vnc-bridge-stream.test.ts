import type { AddressInfo } from 'node:net'
import { Duplex, PassThrough } from 'node:stream'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { ConsoleCloseCode, bridgeVnc, type VncBridge } from './vnc-bridge'

// A console whose VNC server is reached through a stream a backend opens (as a console
// tunnelled over SSH will be), not a UNIX socket: such a stream never emits 'connect'.

let wss: WebSocketServer
let url: string
let bridges: VncBridge[]
/** What the "server" end of the stream receives, and the end it writes with. */
let received: Buffer[]
let server: PassThrough

beforeEach(async () => {
  bridges = []
  received = []
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (ws) => {
    server = new PassThrough()
    const toServer = new PassThrough()
    toServer.on('data', (chunk: Buffer) => received.push(chunk))
    bridges.push(bridgeVnc(ws, () => Duplex.from({ readable: server, writable: toServer })))
  })
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const b of bridges) b.close()
  await new Promise((resolve) => wss.close(resolve))
})

it('bridges a stream both ways, and its end closes the console as a VNC server’s end does', async () => {
  const ws = new WebSocket(url)
  const messages: Buffer[] = []
  ws.on('message', (data: Buffer) => messages.push(data))
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await new Promise((resolve) => ws.once('open', resolve))
  server.write('RFB 003.008\n')
  await expect.poll(() => Buffer.concat(messages).toString()).toBe('RFB 003.008\n')
  ws.send(Buffer.from('RFB 003.008\n'))
  await expect.poll(() => Buffer.concat(received).toString()).toBe('RFB 003.008\n')
  server.end()
  expect(await closed).toBe(ConsoleCloseCode.vncClosed)
})

it('a stream that ends before its server spoke is an unavailable console', async () => {
  const ws = new WebSocket(url)
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await new Promise((resolve) => ws.once('open', resolve))
  server.end()
  expect(await closed).toBe(ConsoleCloseCode.unavailable)
})
