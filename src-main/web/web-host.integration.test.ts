import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testIsoPath } from '../core/testing/test-iso'
import { methods, type MethodName } from '../api/contract'
import { RfbTestClient, refusalStatus } from '../core/console/testing/rfb-test-client'
import { ApiSocket } from './testing/api-socket'
import { startTestWebHost, type TestWebHost } from './testing/web-host-harness'

// The web door over real sockets, with the real core and real QEMU behind it.
const token = 'test-token-0123456789abcdef'
let harness: TestWebHost
let cookie: string
let base: string

beforeAll(async () => {
  harness = await startTestWebHost('vireo-web-', token)
  cookie = harness.cookie
  base = harness.base
  testIsoPath()
})

afterAll(async () => {
  expect(await harness.close()).toEqual([])
})

describe('HTTP', () => {
  it('refuses a request without the token, or with a wrong one, with 401 and nothing else', async () => {
    for (const url of [`${base}/`, `${base}/?token=wrong`, `${base}/index.html`]) {
      const res = await fetch(url)
      expect(res.status).toBe(401)
      expect(await res.text()).not.toContain('Vireo</title>')
    }
  })

  it('takes the token into an HttpOnly, SameSite=Strict cookie and out of the URL, then serves the UI with the cookie', async () => {
    const res = await fetch(harness.web.url, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
    expect(res.headers.get('set-cookie')).toBe(`${cookie}; HttpOnly; SameSite=Strict; Path=/`)
    const again = await fetch(`${base}/`, { headers: { cookie } })
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('<title>Vireo</title>')
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'")
  })

  it('never serves a file outside the UI folder', async () => {
    const res = await fetch(`${base}/..%2f..%2fetc%2fpasswd`, { headers: { cookie } })
    expect(res.status).toBe(404)
  })

  it('listens on loopback only by default address', () => {
    const address = harness.web.server.address()
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1')
  })
})

describe('API WebSocket', () => {
  it('refuses an upgrade without the token, with a wrong one, or from another origin', async () => {
    const ws = base.replace('http', 'ws')
    expect((await refusalStatus(`${ws}/api`)).status).toBe(401)
    expect((await refusalStatus(`${ws}/api?token=nope`)).status).toBe(401)
    expect(
      (await refusalStatus(`${ws}/api?token=${token}`, { origin: 'http://evil.example' })).status,
    ).toBe(401)
  })

  it('answers every method of the contract, for a VM that does not exist, with a typed error', async () => {
    const api = await ApiSocket.open(`${base.replace('http', 'ws')}/api`, { cookie })
    const sample: Record<MethodName, unknown> = {
      hostCheck: {},
      listVms: {},
      listConnections: {},
      addConnection: { uri: 'qemu+tcp://host/system' },
      removeConnection: { uri: 'qemu:///nowhere' },
      getVm: { id: 'missing000' },
      createVm: { name: '', source: { kind: 'none' } },
      previewVm: { name: 'Preview', source: { kind: 'none' } },
      updateVm: { id: 'missing000', changes: {} },
      addDisk: { id: 'missing000', size: '16M' },
      removeDisk: { id: 'missing000', index: 0 },
      cloneVm: { id: 'missing000', name: 'Clone' },
      migrateVm: { id: 'missing000', toConnection: 'local' },
      listSnapshots: { id: 'missing000' },
      takeSnapshot: { id: 'missing000', name: 'snap' },
      revertSnapshot: { id: 'missing000', name: 'snap' },
      deleteSnapshot: { id: 'missing000', name: 'snap' },
      deleteVm: { id: 'missing000' },
      startVm: { id: 'missing000' },
      shutdownVm: { id: 'missing000' },
      forceOffVm: { id: 'missing000' },
      rebootVm: { id: 'missing000' },
      pauseVm: { id: 'missing000' },
      resumeVm: { id: 'missing000' },
      ejectIso: { id: 'missing000' },
      insertIso: { id: 'missing000', path: '/nope.iso' },
      screenshot: { id: 'missing000' },
      inspectIso: { path: testIsoPath() },
      listIsoCandidates: {},
      browseFiles: {},
      consoleEndpoint: { id: 'missing000' },
      logTail: { id: 'missing000', log: 'serial' },
      getSettings: {},
      // Refused by validation: this test must not write the settings file of whoever runs it.
      updateSettings: { changes: { theme: 'purple' } },
    }
    expect(Object.keys(sample).sort()).toEqual(Object.keys(methods).sort())
    for (const [method, params] of Object.entries(sample)) {
      const reply = await api.call(method, params)
      expect(reply.type, method).toBe('reply')
      if (reply.type === 'reply' && !reply.ok) {
        expect(
          ['NOT_FOUND', 'INVALID_INPUT', 'NOT_RUNNING', 'FILE_MISSING'],
          `${method}: ${reply.error.message}`,
        ).toContain(reply.error.code)
      } else {
        // Only the methods that need no VM succeed here; their results are checked below.
        expect(
          ['hostCheck', 'listVms', 'listConnections', 'previewVm', 'inspectIso', 'listIsoCandidates', 'browseFiles', 'getSettings'],
          method,
        ).toContain(method)
      }
    }
    api.ws.close()
  })

  it('gives schema errors for bad params, naming the field, and survives garbage', async () => {
    const api = await ApiSocket.open(`${base.replace('http', 'ws')}/api?token=${token}`, {})
    const bad = await api.call('createVm', { name: 'x', source: { kind: 'iso' }, memoryMiB: -1 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const unknown = await api.call('rm -rf /', {})
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Unknown method/) },
    })
    const inspect = await api.call('inspectIso', { path: 'relative.iso' })
    expect(inspect).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const list = await api.call('listVms', {})
    expect(list).toMatchObject({ ok: true })
    api.ws.close()
  })
})

describe('VMs and consoles through the web host', () => {
  it('creates two VMs, starts them, pushes events, and bridges both consoles to QEMU’s VNC', async () => {
    const api = await ApiSocket.open(`${base.replace('http', 'ws')}/api`, { cookie })
    const ids: string[] = []
    for (const name of ['web-one', 'web-two']) {
      const vm = await api.ok<{ id: string; state: string }>('createVm', {
        name,
        source: { kind: 'iso', path: testIsoPath() },
        start: true,
      })
      expect(vm.state).toBe('running')
      ids.push(vm.id)
    }
    expect(api.events.some((e) => e.type === 'event' && e.event === 'vmChanged')).toBe(true)

    const names: string[] = []
    for (const id of ids) {
      const endpoint = await api.ok<{ path: string }>('consoleEndpoint', { id })
      const rfb = await RfbTestClient.open(
        `${base.replace('http', 'ws')}${endpoint.path}`,
        ['binary'],
        { headers: { cookie } },
      )
      const init = await rfb.handshake()
      expect(init.width).toBeGreaterThan(0)
      const update = await rfb.requestFramebuffer(init)
      expect(update.pixelBytes).toBeGreaterThan(0)
      names.push(init.name)
      rfb.close()
    }
    expect(names).toEqual(['QEMU (web-one)', 'QEMU (web-two)'])

    // A console URL works once, and not without the host's cookie.
    const endpoint = await api.ok<{ path: string }>('consoleEndpoint', { id: ids[0] })
    expect((await refusalStatus(`${base.replace('http', 'ws')}${endpoint.path}`)).status).toBe(401)

    for (const id of ids) await api.ok('forceOffVm', { id })
    for (const id of ids) await api.ok('deleteVm', { id, deleteDisks: true })
    expect(await api.ok<unknown[]>('listVms', {})).toEqual([])
    api.ws.close()
  })

  it('keeps a console open when another viewer of the same VM asks for exclusive access', async () => {
    const api = await ApiSocket.open(`${base.replace('http', 'ws')}/api`, { cookie })
    const vm = await api.ok<{ id: string }>('createVm', {
      name: 'web-shared',
      source: { kind: 'iso', path: testIsoPath() },
      start: true,
    })
    const viewer = async (): Promise<RfbTestClient> => {
      const endpoint = await api.ok<{ path: string }>('consoleEndpoint', { id: vm.id })
      return RfbTestClient.open(`${base.replace('http', 'ws')}${endpoint.path}`, ['binary'], {
        headers: { cookie },
      })
    }
    const first = await viewer()
    const init = await first.handshake()
    // QEMU's default policy would disconnect the first viewer here. Vireo's VMs are
    // force-shared: the one asking for exclusive access is the one turned away.
    const second = await viewer()
    await expect(second.handshake({ exclusive: true })).rejects.toThrow(/connection closed/)
    // (The guest may have changed its video mode since: only the pixels' arrival counts.)
    expect((await first.requestFramebuffer(init)).pixelBytes).toBeGreaterThan(0)
    // A shared viewer is still welcome beside the first.
    const third = await viewer()
    expect((await third.requestFramebuffer(await third.handshake())).pixelBytes).toBeGreaterThan(0)
    first.close()
    third.close()
    await api.ok('forceOffVm', { id: vm.id })
    await api.ok('deleteVm', { id: vm.id, deleteDisks: true })
    api.ws.close()
  })
})
