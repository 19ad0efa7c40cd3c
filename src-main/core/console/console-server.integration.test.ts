// The test stands in for the web host, which owns the HTTP server in production.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { killAllQemu, startQemu, type TestQemu } from '../qmp/testing/qemu-fixture'
import { ConsoleServer } from './console-server'
import { ConsoleTokens, type VncEndpoint } from './console-tokens'
import { RfbTestClient, refusalStatus } from './testing/rfb-test-client'
import { ConsoleCloseCode } from './vnc-bridge'
import { vncWhenReady } from './vnc-when-ready'

let http: Server
let base: string
let tokens: ConsoleTokens
let consoles: ConsoleServer
let now: number
const clients: RfbTestClient[] = []

beforeEach(async () => {
  now = Date.now()
  tokens = new ConsoleTokens({ now: () => now })
  consoles = new ConsoleServer({ tokens })
  http = createServer((_req, res) => res.writeHead(404).end())
  consoles.attach(http)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate()
  await consoles.close()
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
  await killAllQemu()
})

/**
 * A paused q35 guest with standard VGA whose VNC server listens on `<dir>/vnc.sock` only (or
 * on `at`, without waiting for it).
 */
async function qemuWithVnc(name: string, at?: string): Promise<{ qemu: TestQemu; vnc: string }> {
  const qemu = await startQemu(
    (dir) => [
      '-machine',
      'q35',
      '-accel',
      'tcg',
      '-m',
      '64',
      '-nodefaults',
      '-vga',
      'std',
      '-display',
      'none',
      '-S',
      '-name',
      name,
      '-vnc',
      `unix:${at ?? join(dir, 'vnc.sock')}`,
    ],
    at === undefined ? ['vnc.sock'] : [],
  )
  return { qemu, vnc: at ?? join(qemu.dir, 'vnc.sock') }
}

async function open(
  vmId: string,
  socketPath: VncEndpoint,
  protocols: string[] = [],
): Promise<RfbTestClient> {
  const { token } = tokens.issue(vmId, socketPath)
  const client = await RfbTestClient.open(`${base}${consoles.consolePath(vmId, token)}`, protocols)
  clients.push(client)
  return client
}

describe('console bridge against a real QEMU VNC server', () => {
  it('carries the RFB greeting and the security types', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc)
    expect((await client.read(12)).toString('latin1')).toBe('RFB 003.008\n')
    client.send(Buffer.from('RFB 003.008\n', 'latin1'))
    const count = (await client.read(1)).readUInt8(0)
    expect(count).toBeGreaterThan(0)
    expect([...(await client.read(count))]).toContain(1)
    expect(consoles.connectionCount('vm-a')).toBe(1)
  })

  it('completes a session: ServerInit and a full raw framebuffer update', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc)
    const init = await client.handshake()
    expect(init.width).toBeGreaterThan(0)
    expect(init.height).toBeGreaterThan(0)
    expect(init.name).toContain('vm-a')
    // Raw pixels for the whole screen: over a megabyte through the bridge, in order.
    const update = await client.requestFramebuffer(init)
    expect(update.rectangles).toBeGreaterThan(0)
    expect(update.pixelBytes).toBe(init.width * init.height * (init.bitsPerPixel / 8))
  })

  it('selects the binary subprotocol when the client asks for it', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc, ['binary'])
    expect(client.ws.protocol).toBe('binary')
    expect((await client.read(12)).toString('latin1')).toBe('RFB 003.008\n')
  })

  it('keeps two VMs apart: each client reaches its own QEMU', async () => {
    const [a, b] = await Promise.all([qemuWithVnc('vm-a'), qemuWithVnc('vm-b')])
    const [ca, cb] = await Promise.all([open('vm-a', a.vnc), open('vm-b', b.vnc)])
    const [ia, ib] = await Promise.all([ca.handshake(), cb.handshake()])
    expect(ia.name).toContain('vm-a')
    expect(ib.name).toContain('vm-b')
    expect(consoles.connectionCount()).toBe(2)
  })

  it('refuses a missing, wrong, reused or expired token, or one for another VM, with a bare 401', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const path = '/console/vm-a'
    const missing = await refusalStatus(`${base}${path}`)
    expect(missing.status).toBe(401)
    expect(missing.contentLength).toBe('0')
    expect((await refusalStatus(`${base}${path}?token=${'A'.repeat(43)}`)).status).toBe(401)
    expect((await refusalStatus(`${base}${path}?token=`)).status).toBe(401)

    const used = tokens.issue('vm-a', vnc).token
    clients.push(await RfbTestClient.open(`${base}${consoles.consolePath('vm-a', used)}`))
    expect((await refusalStatus(`${base}${consoles.consolePath('vm-a', used)}`)).status).toBe(401)

    const expired = tokens.issue('vm-a', vnc).token
    now += 60_001
    expect((await refusalStatus(`${base}${consoles.consolePath('vm-a', expired)}`)).status).toBe(
      401,
    )

    const other = tokens.issue('vm-b', vnc).token
    expect((await refusalStatus(`${base}${consoles.consolePath('vm-a', other)}`)).status).toBe(401)
    expect((await refusalStatus(`${base}/console/vm-a/x?token=${other}`)).status).toBe(401)
    expect((await refusalStatus(`${base}/elsewhere`)).status).toBe(404)
  })

  it('keeps an open console alive past its token’s lifetime', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc)
    now += 10 * 60_000
    const init = await client.handshake()
    expect(init.width).toBeGreaterThan(0)
  })

  it('closes the WebSocket when QEMU is killed', async () => {
    const { qemu, vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc)
    await client.handshake()
    await qemu.kill()
    const closed = await client.closed
    expect([ConsoleCloseCode.vncClosed, ConsoleCloseCode.vncError]).toContain(closed.code)
    await expect.poll(() => consoles.connectionCount()).toBe(0)
  })

  it('closes with a clear code when the VM’s VNC socket is not there', async () => {
    const client = await open('vm-gone', '/nonexistent/vireo/vnc.sock')
    const closed = await client.closed
    expect(closed.code).toBe(ConsoleCloseCode.unavailable)
    expect(closed.reason).toMatch(/not available/)
  })

  it('a console opened before QEMU binds its VNC socket (a starting VM) connects once it does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vireo-when-ready-'))
    try {
      const vnc = join(dir, 'vnc.sock')
      const client = await open('vm-a', () => vncWhenReady(vnc, { timeoutMs: 30_000 }))
      // The bridge is waiting now: the socket is not there yet.
      await new Promise((resolve) => setTimeout(resolve, 200))
      await qemuWithVnc('vm-a', vnc)
      const init = await client.handshake()
      expect(init.name).toContain('vm-a')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a console waiting for a VNC socket that never comes closes as unavailable, and one closed while waiting stops waiting', async () => {
    const never = await open('vm-gone', () => vncWhenReady('/nonexistent/vireo/vnc.sock', { timeoutMs: 300 }))
    expect((await never.closed).code).toBe(ConsoleCloseCode.unavailable)
    const left = await open('vm-gone', () => vncWhenReady('/nonexistent/vireo/vnc.sock', { timeoutMs: 30_000 }))
    left.close()
    await left.closed
    await expect.poll(() => consoles.connectionCount()).toBe(0)
  })

  it('closeVm closes that VM’s consoles and withdraws its tokens, leaving others open', async () => {
    const [a, b] = await Promise.all([qemuWithVnc('vm-a'), qemuWithVnc('vm-b')])
    const [ca, cb] = await Promise.all([open('vm-a', a.vnc), open('vm-b', b.vnc)])
    const unused = tokens.issue('vm-a', a.vnc).token
    consoles.closeVm('vm-a')
    expect((await ca.closed).code).toBe(ConsoleCloseCode.goingAway)
    expect((await refusalStatus(`${base}${consoles.consolePath('vm-a', unused)}`)).status).toBe(401)
    expect((await cb.handshake()).name).toContain('vm-b')
  })

  it('a client that goes away ends its VNC connection, and QEMU accepts the next one', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const first = await open('vm-a', vnc)
    await first.handshake()
    first.close()
    await first.closed
    await expect.poll(() => consoles.connectionCount()).toBe(0)
    const second = await open('vm-a', vnc)
    expect((await second.handshake()).name).toContain('vm-a')
  })

  it('closes a client that sends text instead of binary', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const client = await open('vm-a', vnc)
    await client.read(12)
    client.ws.send('RFB 003.008\n')
    expect((await client.closed).code).toBe(ConsoleCloseCode.unsupportedData)
  })

  it('with an origin check, refuses a foreign origin with 403 without using up the token', async () => {
    const { vnc } = await qemuWithVnc('vm-a')
    const strict = new ConsoleServer({ tokens, verifyOrigin: (o) => o === 'http://127.0.0.1:1' })
    const server = createServer((_req, res) => res.writeHead(404).end())
    strict.attach(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${strict.consolePath('vm-a', tokens.issue('vm-a', vnc).token)}`
      expect((await refusalStatus(url, { origin: 'http://evil.example' })).status).toBe(403)
      const client = await RfbTestClient.open(url, [], { origin: 'http://127.0.0.1:1' })
      clients.push(client)
      expect((await client.read(12)).toString('latin1')).toBe('RFB 003.008\n')
    } finally {
      await strict.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
