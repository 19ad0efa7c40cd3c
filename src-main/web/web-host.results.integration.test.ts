import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testIsoPath } from '../core/testing/test-iso'
import { methods, type MethodName } from '../api/contract'
import { qemuPids } from '../core/testing/fault-support'
import { ApiSocket } from './testing/api-socket'
import { startTestWebHost, type TestWebHost } from './testing/web-host-harness'

// Every method of the API answering with its real result through the web door: the real core
// and real QEMU behind a real WebSocket (web-host.integration checks the refusals and errors).
const token = 'results-token-0123456789abcdef'
let harness: TestWebHost
let cookie: string
let base: string

beforeAll(async () => {
  harness = await startTestWebHost('vireo-web-results-', token)
  cookie = harness.cookie
  base = harness.base
})

afterAll(async () => {
  expect(await harness.close()).toEqual([])
})

describe('successful results through the web host', () => {
  it('every method of the contract gives its real result (a stopped VM, then a running one)', async () => {
    const api = await ApiSocket.open(`${base.replace('http', 'ws')}/api`, { cookie })
    const proven = new Set<string>()
    const ok = async <T>(method: MethodName, params: unknown): Promise<T> => {
      const result = await api.ok<T>(method, params)
      proven.add(method)
      return result
    }
    const iso = testIsoPath()

    const host = await ok<{ ok: boolean; qemu: { version: string } | null; cpus: number }>(
      'hostCheck',
      {},
    )
    expect(host.ok).toBe(true)
    expect(host.qemu?.version).toMatch(/^\d+\.\d+/)
    expect(host.cpus).toBeGreaterThan(0)
    const inspected = await ok<{ path: string; label: string | null; sizeBytes: number }>(
      'inspectIso',
      { path: iso },
    )
    expect(inspected).toMatchObject({ path: iso, label: expect.any(String) })
    expect(inspected.sizeBytes).toBeGreaterThan(0)
    // Browsing starts in the home folder (VIREO_ISO_DIRS adds others).
    const folder = await ok<{ dir: string; roots: string[]; entries: unknown[] }>('browseFiles', {})
    expect(folder.roots).toContain(homedir())
    expect(folder.dir).toBe(homedir())
    expect(Array.isArray(folder.entries)).toBe(true)
    expect(Array.isArray(await ok('listIsoCandidates', {}))).toBe(true)
    const params = {
      name: 'web-results',
      source: { kind: 'none' },
      diskSize: '64M',
      memoryMiB: 128,
      cpus: 1,
    }
    const preview = await ok<{ argv: string[]; diskPath: string }>('previewVm', params)
    expect(preview.argv[0]).toMatch(/qemu-system-x86_64$/)
    expect(preview.argv).toContain('guest=web-results,debug-threads=on')

    const vm = await ok<{
      id: string
      name: string
      state: string
      memoryMiB: number
      argv: string[]
    }>('createVm', params)
    expect(vm).toMatchObject({ name: 'web-results', state: 'stopped', memoryMiB: 128 })
    expect(await ok('getVm', { id: vm.id })).toMatchObject({
      id: vm.id,
      name: 'web-results',
      cpus: 1,
    })
    expect(await ok('listVms', {})).toEqual([
      expect.objectContaining({ connection: 'local', id: vm.id, state: 'stopped' }),
    ])
    expect(await ok('listConnections', {})).toEqual([
      expect.objectContaining({ id: 'local', kind: 'local', state: 'connected', error: null }),
    ])
    const settings = await ok<{ file: string; values: { theme: string } }>('getSettings', {})
    expect(settings.file).toBe(join(harness.home, 'config', 'vireo', 'settings.json'))
    expect(settings.values.theme).toBe('system')
    expect(await ok('updateSettings', { changes: { theme: 'dark' } })).toMatchObject({
      values: { theme: 'dark' },
    })
    expect(await ok('updateVm', { id: vm.id, changes: { memoryMiB: 160 } })).toMatchObject({
      memoryMiB: 160,
    })
    const withDisk = await ok<{ disks: { bus: string }[] }>('addDisk', { id: vm.id, size: '8M', bus: 'sata' })
    expect(withDisk.disks.map((d) => d.bus)).toEqual(['virtio', 'sata'])
    const without = await ok<{ disks: unknown[] }>('removeDisk', { id: vm.id, index: 1, deleteFile: true })
    expect(without.disks).toHaveLength(1)
    expect(await ok('listSnapshots', { id: vm.id })).toEqual([])
    expect(await ok('takeSnapshot', { id: vm.id, name: 'before' })).toEqual([
      expect.objectContaining({ name: 'before' }),
    ])
    expect(await ok('revertSnapshot', { id: vm.id, name: 'before' })).toEqual([
      expect.objectContaining({ name: 'before' }),
    ])
    expect(await ok('deleteSnapshot', { id: vm.id, name: 'before' })).toEqual([])
    const clone = await ok<{ id: string; name: string }>('cloneVm', {
      id: vm.id,
      name: 'web-results-copy',
    })
    expect(clone.id).not.toBe(vm.id)
    expect(clone.name).toBe('web-results-copy')
    expect(await ok('deleteVm', { id: clone.id, deleteDisks: true })).toEqual({
      deleted: true,
      keptDisks: [],
    })

    // Running: it stays in its firmware (a blank disk, no ISO) until forced off.
    expect(await ok('startVm', { id: vm.id })).toMatchObject({ state: 'running' })
    expect(await ok('pauseVm', { id: vm.id })).toMatchObject({ state: 'paused' })
    expect(await ok('resumeVm', { id: vm.id })).toMatchObject({ state: 'running' })
    expect(await ok('insertIso', { id: vm.id, path: iso })).toMatchObject({ cdrom: iso })
    expect(await ok('ejectIso', { id: vm.id })).toMatchObject({ cdrom: null })
    const shot = await ok<{ png: string; width: number; height: number }>('screenshot', {
      id: vm.id,
    })
    expect(Buffer.from(shot.png, 'base64').subarray(1, 4).toString()).toBe('PNG')
    expect(shot.width).toBeGreaterThan(0)
    const endpoint = await ok<{ path: string; expiresAt: string }>('consoleEndpoint', { id: vm.id })
    expect(endpoint.path).toMatch(new RegExp(`^/console/local%2F${vm.id}\\?token=.+`))
    expect(Date.parse(endpoint.expiresAt)).toBeGreaterThan(Date.now())
    expect(await ok('rebootVm', { id: vm.id })).toMatchObject({ state: 'running' })
    expect(await ok('logTail', { id: vm.id, log: 'qemu' })).toMatchObject({
      lines: expect.any(Array),
    })
    const off = await ok<{ state: string; lastStop: { reason: string } | null }>('forceOffVm', {
      id: vm.id,
    })
    expect(off).toMatchObject({ state: 'stopped', lastStop: { reason: 'forced' } })
    expect(qemuPids(harness.home)).toEqual([])
    expect(await ok('deleteVm', { id: vm.id, deleteDisks: true })).toMatchObject({ deleted: true })
    expect(await ok('listVms', {})).toEqual([])

    // An ACPI shutdown needs a guest that answers it: the installed test system, in
    // supervisor.integration (shuts down through ACPI) and cli.integration (a VM's life).
    // A libvirt connection needs libvirtd: added and removed through the web host with the real
    // one in e2e/connections.spec, and through the CLI in cli-connections.integration; a
    // migration needs two libvirt daemons: libvirt-migrate.integration.
    const elsewhere = ['shutdownVm', 'addConnection', 'removeConnection', 'migrateVm']
    expect([...proven, ...elsewhere].sort()).toEqual(Object.keys(methods).sort())
    api.ws.close()
  })
})
