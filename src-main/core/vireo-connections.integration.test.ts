import { writeFileSync, mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVm, smallVm } from '../api/testing/vm-fixtures'
import { createDispatcher } from '../api/dispatch'
import type { VireoEvents } from './types'
import { RfbTestClient } from './console/testing/rfb-test-client'
import { VireoHarness } from './testing/vireo-harness'
import type { Vireo } from './vireo'

// The router over connections, proven with two real local backends (two Vireo folders, one
// registered as the connection `second`) behind one Vireo, real qemu-img and QEMU.
const harness = new VireoHarness('vireo-connections-')
let vireo: Vireo
let http: Server

/** The payloads of `event` from now on. */
function follow<E extends keyof VireoEvents>(event: E): VireoEvents[E][] {
  const seen: VireoEvents[E][] = []
  vireo.subscribe(event, (payload) => seen.push(payload))
  return seen
}

beforeAll(async () => {
  vireo = harness.front('first', { watch: true, also: { second: 'other' } })
  await vireo.attachRunning()
  http = createServer()
  vireo.consoleBridge.attach(http)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  await vireo.consoleBridge.close()
  await new Promise((resolve) => http.close(resolve))
  expect(await harness.tearDown()).toEqual([])
})

describe('two connections behind one Vireo', () => {
  it('lists both connections, local first', async () => {
    const connections = await vireo.listConnections()
    expect(connections.map((c) => [c.id, c.kind, c.state, c.error])).toEqual([
      ['local', 'local', 'connected', null],
      ['second', 'local', 'connected', null],
    ])
    expect(connections[1]!.uri).toBe(`vireo://${join(harness.root, 'other')}`)
  })

  it('keeps a VM of the same id and name on each apart: listed tagged, started and deleted alone', async () => {
    const local = await createVm(vireo, { name: 'Twin', ...smallVm })
    const removed = follow('vmRemoved')
    const changed = follow('vmChanged')
    const twin = await createVm(vireo, { connection: 'second', id: local.id, name: 'Twin', ...smallVm })
    expect([local.connection, twin.connection]).toEqual(['local', 'second'])
    expect(twin.id).toBe(local.id)
    expect(twin.dir).toBe(join(harness.root, 'other', 'vms', local.id))
    expect(changed.map((vm) => vm.connection)).toEqual(['second'])

    const all = await vireo.listVms()
    expect(all.map((vm) => [vm.connection, vm.id, vm.name])).toEqual([
      ['local', local.id, 'Twin'],
      ['second', local.id, 'Twin'],
    ])
    expect((await vireo.listVms({ connection: 'second' })).map((vm) => vm.connection)).toEqual(['second'])

    // Start the second's: only it runs, and its events name its connection.
    const started = await vireo.startVm({ connection: 'second', id: twin.id })
    expect(started).toMatchObject({ connection: 'second', state: 'running' })
    expect((await vireo.getVm({ id: local.id })).state).toBe('stopped')
    await expect.poll(() => changed.some((vm) => vm.connection === 'second' && vm.state === 'running')).toBe(true)
    expect(changed.every((vm) => vm.connection === 'second')).toBe(true)

    // Its console goes through the one bridge, under a path that names the connection.
    const endpoint = await vireo.consoleEndpoint({ connection: 'second', id: twin.id })
    expect(endpoint.path).toContain(`/console/second%2F${twin.id}?token=`)
    await expect(vireo.consoleEndpoint({ id: local.id })).rejects.toMatchObject({ code: 'NOT_RUNNING' })
    const client = await RfbTestClient.open(`ws://127.0.0.1:${(http.address() as AddressInfo).port}${endpoint.path}`)
    expect((await client.handshake()).width).toBeGreaterThan(0)
    client.ws.close()

    await vireo.forceOffVm({ connection: 'second', id: twin.id })
    await vireo.deleteVm({ connection: 'second', id: twin.id, deleteDisks: true })
    expect(removed).toEqual([{ connection: 'second', id: twin.id }])
    expect((await vireo.listVms()).map((vm) => [vm.connection, vm.id])).toEqual([['local', local.id]])
    expect((await vireo.getVm({ connection: 'local', id: local.id })).disks[0]!.actualBytes).not.toBeNull()
    await vireo.deleteVm({ id: local.id, deleteDisks: true })
  })

  it('refuses a connection it does not have with NOT_FOUND, saying which it has', async () => {
    const error = await vireo.getVm({ connection: 'nowhere', id: 'abcdefgh' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'There is no connection “nowhere”.' })
    expect((error as { hint: string }).hint).toContain('local, second')
    // Through the contract, as every front end calls: `connection` defaults to local.
    const dispatch = createDispatcher(vireo)
    expect(await dispatch('listVms', { connection: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await dispatch('getVm', { id: 'abcdefgh' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.not.stringContaining('connection') } })
  })

  it('shows a connection whose listing fails on the connection, and still lists the others', async () => {
    const local = await createVm(vireo, { name: 'Survivor', ...smallVm })
    const changes = follow('connectionChanged')
    // A file where the second folder's VM folder should be: that connection cannot list.
    mkdirSync(join(harness.root, 'other'), { recursive: true })
    const blocked = join(harness.root, 'other', 'vms')
    const { rmSync } = await import('node:fs')
    rmSync(blocked, { recursive: true, force: true })
    writeFileSync(blocked, 'not a folder')

    expect((await vireo.listVms()).map((vm) => [vm.connection, vm.name])).toEqual([['local', 'Survivor']])
    const second = (await vireo.listConnections()).find((c) => c.id === 'second')
    expect(second?.error).toMatchObject({ code: 'HOST_UNSUPPORTED' })
    expect(changes.map((c) => [c.id, c.error?.code])).toEqual([['second', 'HOST_UNSUPPORTED']])
    await expect(vireo.listVms({ connection: 'second' })).rejects.toMatchObject({ code: 'HOST_UNSUPPORTED' })

    // Mended, the next listing clears the error and says so.
    rmSync(blocked)
    await vireo.listVms()
    expect((await vireo.listConnections()).every((c) => c.error === null)).toBe(true)
    expect(changes.map((c) => [c.id, c.error?.code ?? null])).toEqual([
      ['second', 'HOST_UNSUPPORTED'],
      ['second', null],
    ])
    await vireo.deleteVm({ id: local.id, deleteDisks: true })
  })
})
