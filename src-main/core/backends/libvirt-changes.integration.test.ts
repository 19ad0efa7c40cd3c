import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVmParams } from '../../api/contract'
import { libvirtUnavailable, removeDomain, removePool, SYSTEM, usePool, virshTest } from '../libvirt/testing/libvirt-test-support'
import { testIsoPath } from '../testing/test-iso'
import { VireoHarness } from '../testing/vireo-harness'
import type { VmStats } from '../types'
import type { Vireo } from '../vireo'

// What Vireo changes on a libvirt domain it made (qemu:///system, TCG): memory and vCPUs
// while stopped, the CD live and not, stats, libvirt's internal snapshots, a full clone.
const unavailable = await libvirtUnavailable()
const harness = new VireoHarness('vireo-libvirt-changes-')
const names: string[] = []
let vireo: Vireo
let madePool = false

function name(): string {
  const n = `vireo-test-${randomUUID().slice(0, 8)}`
  names.push(n)
  return n
}

async function made(): Promise<{ connection: string; id: string; name: string }> {
  const n = name()
  const vm = await vireo.createVm(createVmParams.parse({ connection: SYSTEM, name: n, source: { kind: 'none' }, diskSize: '32M', memoryMiB: 64, cpus: 1, accel: 'tcg' }))
  return { connection: SYSTEM, id: vm.id, name: n }
}

describe.skipIf(unavailable !== null)(`changes on libvirt (${unavailable ?? 'libvirtd runs'})`, () => {
  beforeAll(async () => {
    madePool = await usePool('default', '/var/lib/libvirt/images')
    vireo = harness.at(harness.paths('home'), { watch: true, libvirt: [SYSTEM] })
    await vireo.attachRunning()
  })

  afterAll(async () => {
    for (const n of names) await removeDomain(n)
    if (madePool) await removePool('default')
    expect(await harness.tearDown()).toEqual([])
  })

  it('memory and vCPUs of a stopped domain change (virsh sees them); running, or other settings, are refused', async () => {
    const ref = await made()
    expect(await vireo.updateVm({ ...ref, changes: { memoryMiB: 96, cpus: 2 } })).toMatchObject({ memoryMiB: 96, cpus: 2 })
    const xml = await virshTest('dumpxml', '--inactive', ref.name)
    expect(xml).toMatch(/<memory unit='KiB'>98304<\/memory>/)
    expect(xml).toMatch(/<vcpu placement='static'>2<\/vcpu>/)
    await expect(vireo.updateVm({ ...ref, changes: { name: 'other' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await vireo.startVm(ref)
    await expect(vireo.updateVm({ ...ref, changes: { memoryMiB: 128 } })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' })
    await vireo.forceOffVm(ref)
  })

  it('a CD is inserted and ejected, stopped and live; CPU and memory stats arrive while someone listens', async () => {
    const ref = await made()
    const iso = testIsoPath()
    expect(await vireo.insertIso({ ...ref, path: iso })).toMatchObject({ cdrom: iso })
    expect(await vireo.ejectIso(ref)).toMatchObject({ cdrom: null })
    const stats: VmStats[] = []
    const stop = vireo.subscribe('vmStats', (s) => s.id === ref.id && stats.push(s))
    await vireo.startVm(ref)
    await vireo.listVms({ connection: SYSTEM })
    expect(await vireo.insertIso({ ...ref, path: iso })).toMatchObject({ state: 'running', cdrom: iso })
    expect(await virshTest('domblklist', ref.name)).toContain(iso)
    expect(await vireo.ejectIso(ref)).toMatchObject({ cdrom: null })
    expect(await virshTest('domblklist', ref.name)).not.toContain(iso)
    await expect.poll(() => stats.length, { timeout: 20_000 }).toBeGreaterThan(0)
    stop()
    expect(stats[0]).toMatchObject({ connection: SYSTEM, id: ref.id })
    expect(stats[0]!.cpuPercent).toBeGreaterThanOrEqual(0)
    expect(stats[0]!.memoryBytes).toBeGreaterThan(0)
    await vireo.forceOffVm(ref)
  })

  it('snapshots: with memory while running, of the disk while stopped; revert and delete', async () => {
    const ref = await made()
    await vireo.startVm(ref)
    expect(await vireo.takeSnapshot({ ...ref, name: 'live' })).toEqual([expect.objectContaining({ name: 'live', vmStateBytes: 1 })])
    await expect(vireo.takeSnapshot({ ...ref, name: 'live' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    await vireo.forceOffVm(ref)
    const both = await vireo.takeSnapshot({ ...ref, name: 'off' })
    expect(both.map((s) => [s.name, s.vmStateBytes])).toEqual([['live', 1], ['off', 0]])
    await vireo.revertSnapshot({ ...ref, name: 'live' })
    expect((await vireo.getVm(ref)).state).toBe('running')
    expect((await vireo.deleteSnapshot({ ...ref, name: 'off' })).map((s) => s.name)).toEqual(['live'])
    await expect(vireo.deleteSnapshot({ ...ref, name: 'off' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await virshTest('snapshot-list', ref.name, '--name')).toBe('live')
    await vireo.forceOffVm(ref)
    await vireo.deleteSnapshot({ ...ref, name: 'live' })
  })

  it('a clone of a stopped domain: a new name, UUID, MAC and disk volume; the original untouched', async () => {
    const ref = await made()
    const copyName = name()
    await vireo.startVm(ref)
    await expect(vireo.cloneVm({ ...ref, name: copyName })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' })
    await vireo.forceOffVm(ref)
    const original = await vireo.getVm(ref)
    const copy = await vireo.cloneVm({ ...ref, name: copyName })
    expect(copy).toMatchObject({ name: copyName, state: 'stopped', memoryMiB: 64 })
    expect(copy.id).not.toBe(ref.id)
    expect(copy.disks[0]!.path).not.toBe(original.disks[0]!.path)
    expect(await virshTest('vol-list', 'default')).toContain(copy.disks[0]!.path)
    const mac = (n: string) => virshTest('dumpxml', n).then((x) => /<mac address='([^']+)'/.exec(x)?.[1])
    expect(await mac(copyName)).toBeDefined()
    expect(await mac(copyName)).not.toBe(await mac(ref.name))
    expect((await vireo.getVm(ref)).disks).toEqual(original.disks)
    await expect(vireo.cloneVm({ ...ref, name: copyName })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    expect(await vireo.startVm({ connection: SYSTEM, id: copy.id })).toMatchObject({ state: 'running' })
    await vireo.forceOffVm({ connection: SYSTEM, id: copy.id })
  })
})
