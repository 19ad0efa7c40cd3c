import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import type { VmSummary } from '../api/types'
import { toErrorInfo } from '../core/errors'
import { resolvePaths } from '../core/paths'
import { killQemus, processState, qemuPids, until } from '../core/testing/fault-support'
import { Vireo } from '../core/vireo'
import { ApiSocket } from './testing/api-socket'
import { startVireoWeb, type VireoWeb } from './testing/vireo-web'
import { webHostOver, writeStaticRoot } from './testing/web-host-harness'

// FAULTS.md cases of the web door: the host process killed while its VMs run, its port taken,
// and garbage on the API WebSocket.
const root = mkdtempSync(join(tmpdir(), 'vireo-faults-web-'))
const home = join(root, 'home')
const hosts: VireoWeb[] = []

/** The API WebSocket of the host at `origin`, the token given in its URL as a browser first does. */
const client = (origin: string, token: string) =>
  ApiSocket.open(`${origin.replace('http', 'ws')}/api?token=${token}`)

afterAll(async () => {
  for (const host of hosts) {
    if (host.process.exitCode === null) host.process.kill('SIGKILL')
  }
  const leftover = qemuPids(root)
  await killQemus(root)
  rmSync(resolvePaths({ VIREO_HOME: home }).runtime, { recursive: true, force: true })
  rmSync(root, { recursive: true, force: true })
  expect(leftover).toEqual([])
})

describe('the web host process killed while VMs run', () => {
  it('FAULTS 2: the guest keeps running; a new web host re-attaches it, follows its events and controls it', async () => {
    const first = await startVireoWeb({ home })
    hosts.push(first)
    const api = await client(first.origin, first.token)
    const vm = await api.ok<VmSummary>('createVm', {
      name: 'web-killed',
      source: { kind: 'none' },
      diskSize: '64M',
      memoryMiB: 128,
      cpus: 1,
      start: true,
    })
    expect(vm.state).toBe('running')
    const [pid] = qemuPids(home)
    expect(pid).toBeDefined()

    first.process.kill('SIGKILL')
    await until(
      'the web host to die',
      () => first.process.exitCode !== null || first.process.signalCode !== null,
      10_000,
    )
    await new Promise((r) => setTimeout(r, 500))
    expect(processState(pid ?? 0)).not.toBeNull()

    const second = await startVireoWeb({ home })
    hosts.push(second)
    const again = await client(second.origin, second.token)
    const listed = await again.ok<VmSummary[]>('listVms', {})
    expect(listed.find((s) => s.id === vm.id)?.state).toBe('running')
    expect(qemuPids(home)).toEqual([pid])
    // Its event connection is the new host's now: a pause is pushed to clients as an event.
    await again.ok('pauseVm', { id: vm.id })
    await until(
      'a vmChanged event saying paused',
      () =>
        again.events.some(
          (e) =>
            e.type === 'event' &&
            e.event === 'vmChanged' &&
            (e.payload as VmSummary).state === 'paused',
        ),
      10_000,
    )
    await again.ok('forceOffVm', { id: vm.id })
    expect(qemuPids(home)).toEqual([])
    await second.stop()
  })
})

describe('in-process web host', () => {
  const staticDir = mkdtempSync(join(root, 'static-'))
  let vireo: Vireo

  beforeAll(() => {
    vireo = new Vireo({
      paths: resolvePaths({
        VIREO_HOME: join(root, 'in-process'),
        XDG_RUNTIME_DIR: join(root, 'run'),
      }),
      watch: true,
    })
    writeStaticRoot(staticDir)
  })

  afterAll(() => vireo.dispose())

  const start = (port: number) =>
    webHostOver(vireo, { staticDir, token: 'faults-token-0123456789', port })

  it('FAULTS 30: a port that is taken gives a clear error saying what to do', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const address = taken.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const error = await start(port).then(
        () => null,
        (e: unknown) => toErrorInfo(e),
      )
      expect(error).toMatchObject({
        code: 'INVALID_INPUT',
        message: `Port ${port} on 127.0.0.1 is already in use.`,
        hint: expect.stringMatching(/--port N, or --port 0/),
      })
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()))
    }
  })

  it('garbage on the API socket closes only that socket, with a reason; the host and other clients carry on', async () => {
    const web = await start(0)
    const origin = new URL(web.url).origin
    try {
      const steady = await client(origin, 'faults-token-0123456789')
      const garbage: [string, (ws: WebSocket) => void, number][] = [
        ['invalid JSON', (ws) => ws.send('{"type":"call",'), 1007],
        ['binary', (ws) => ws.send(Buffer.from([1, 2, 3])), 1003],
        ['not a call', (ws) => ws.send(JSON.stringify({ type: 'reply', id: 1 })), 1008],
        [
          'a negative id',
          (ws) => ws.send(JSON.stringify({ type: 'call', id: -1, method: 'listVms' })),
          1008,
        ],
        ['over 1 MiB', (ws) => ws.send('x'.repeat(1024 * 1024 + 1)), 1009],
      ]
      for (const [what, send, code] of garbage) {
        const bad = await client(origin, 'faults-token-0123456789')
        send(bad.ws)
        expect((await bad.closing()).code, what).toBe(code)
        expect(await steady.ok<unknown[]>('listVms', {}), what).toEqual([])
      }
      expect(steady.closed).toBeNull()
      steady.ws.close()
    } finally {
      await web.close()
    }
  })
})
