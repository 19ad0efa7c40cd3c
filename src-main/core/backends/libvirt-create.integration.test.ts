import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVmParams } from '../../api/contract'
import { libvirtUnavailable, removeDomain, removePool, SYSTEM, usePool, virshTest } from '../libvirt/testing/libvirt-test-support'
import { testIsoPath } from '../testing/test-iso'
import { VireoHarness } from '../testing/vireo-harness'
import type { Vireo } from '../vireo'

// Creating domains on a libvirt connection through Vireo's createVm (the wizard's call): the
// real libvirtd (qemu:///system), its `default` pool (made here in a folder of the tests' own
// when the machine has none), TCG guests booting the test ISO.
const unavailable = await libvirtUnavailable()
const harness = new VireoHarness('vireo-libvirt-create-')
const names: string[] = []
let vireo: Vireo
let madePool = false

function name(): string {
  const n = `vireo-test-${randomUUID().slice(0, 8)}`
  names.push(n)
  return n
}

async function volumes(): Promise<string> {
  return virshTest('vol-list', 'default')
}

describe.skipIf(unavailable !== null)(`create on libvirt (${unavailable ?? 'libvirtd runs'})`, () => {
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

  it('createVm defines a domain virsh lists, its disk a volume of the default pool, and starts it with the ISO in its CD drive', async () => {
    const domain = name()
    const iso = testIsoPath()
    const params = createVmParams.parse({ connection: SYSTEM, name: domain, source: { kind: 'iso', path: iso }, diskSize: '64M', memoryMiB: 256, cpus: 1, accel: 'tcg', start: true })
    const preview = await vireo.previewVm(params)
    const vm = await vireo.createVm({ ...params, id: preview.id })
    expect(vm).toMatchObject({ connection: SYSTEM, id: preview.id, name: domain, state: 'running', memoryMiB: 256, cpus: 1, accel: 'tcg', cdrom: iso })
    expect(vm.disks).toEqual([expect.objectContaining({ path: preview.diskPath, format: 'qcow2', bus: 'virtio' })])
    expect(await virshTest('list', '--all', '--name')).toContain(domain)
    expect(await volumes()).toContain(preview.diskPath)
    const xml = await virshTest('dumpxml', domain)
    // No running `default` network here: user networking; the CD boots second, after the empty disk.
    expect(xml).toMatch(/<interface type='(user|network)'>/)
    expect(xml).toContain(`<source file='${iso}'`)
    await vireo.forceOffVm({ connection: SYSTEM, id: vm.id })
    expect(await vireo.deleteVm({ connection: SYSTEM, id: vm.id, deleteDisks: true })).toEqual({ deleted: true, keptDisks: [] })
    expect(await volumes()).not.toContain(preview.diskPath)
  })

  it('an import is uploaded into a volume as qcow2', async () => {
    const domain = name()
    const image = join(harness.root, 'import.raw')
    await execa('qemu-img', ['create', '-q', '-f', 'raw', image, '16M'])
    const vm = await vireo.createVm(createVmParams.parse({ connection: SYSTEM, name: domain, source: { kind: 'import', path: image }, memoryMiB: 64, cpus: 1, accel: 'tcg' }))
    expect(vm).toMatchObject({ state: 'stopped', cdrom: null })
    const path = vm.disks[0]!.path
    expect(path.startsWith('/')).toBe(true)
    const info = JSON.parse((await execa('qemu-img', ['info', '--output=json', '-U', path])).stdout) as { format: string; 'virtual-size': number }
    expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': 16 * 1024 * 1024 })
    await vireo.deleteVm({ connection: SYSTEM, id: vm.id, deleteDisks: true })
  })

  it('a create that fails at define leaves no domain and no orphan volume; a taken name is refused first', async () => {
    const domain = name()
    const taken = name()
    const folder = mkdtempSync(join(harness.root, 'x-'))
    await vireo.createVm(createVmParams.parse({ connection: SYSTEM, name: taken, source: { kind: 'none' }, diskSize: '8M', memoryMiB: 64, cpus: 1, accel: 'tcg' }))
    await expect(vireo.createVm(createVmParams.parse({ connection: SYSTEM, name: taken, source: { kind: 'none' }, diskSize: '8M', memoryMiB: 64, accel: 'tcg' }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    const before = await volumes()
    // An id whose UUID libvirt already has under another name: define refuses, after the volume was made.
    const takenId = (await vireo.listVms({ connection: SYSTEM })).find((vm) => vm.name === taken)!.id
    await expect(vireo.createVm(createVmParams.parse({ connection: SYSTEM, id: takenId, name: domain, source: { kind: 'none' }, diskSize: '8M', memoryMiB: 64, accel: 'tcg' }))).rejects.toMatchObject({ code: 'COMMAND_FAILED' })
    expect(await virshTest('list', '--all', '--name')).not.toContain(domain)
    expect(await volumes()).toBe(before)
    rmSync(folder, { recursive: true, force: true })
  })
})
