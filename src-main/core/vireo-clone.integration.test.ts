import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { testIsoPath } from './testing/test-iso'
import { mountTmpfs } from './testing/fault-support'
import type { Vireo } from './vireo'
import { createVm, smallVm } from '../api/testing/vm-fixtures'
import type { JobProgress } from '../api/types'
import { qemuIo, VireoHarness } from './testing/vireo-harness'

// Cloning a VM with the real core and real qemu-img (and QEMU, for the running case).
const harness = new VireoHarness('vireo-clone-')
const root = harness.root

/** The jobProgress events a front end sends from now on. */
function follow(vireo: Vireo): JobProgress[] {
  const events: JobProgress[] = []
  vireo.on('jobProgress', (event) => events.push(event))
  return events
}

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('cloning a VM', () => {
  it('makes an independent copy: new id, MAC and UUID, the same disk contents and settings, no logs', async () => {
    const vireo = harness.front('home')
    const original = await createVm(vireo, {
      name: 'Original',
      ...smallVm,
      source: { kind: 'iso', path: testIsoPath() },
      portForwards: [{ protocol: 'tcp', hostPort: 40222, guestPort: 22 }],
    })
    const disk = original.disks[0]!.path
    expect(await qemuIo(disk, 'qcow2', 'write -P 0xa5 1M 2M')).toBe(0)
    writeFileSync(join(original.dir, 'OVMF_VARS.fd'), 'boot entries')
    writeFileSync(join(original.dir, 'serial.log'), 'the original’s last boot')

    const progress = follow(vireo)
    const clone = await vireo.cloneVm({ id: original.id, name: 'Copy' })
    // One job for the whole copy, told as it goes, in order, ending done at 100 %.
    expect(new Set(progress.map((event) => event.jobId)).size).toBe(1)
    expect(progress.every((event) => event.kind === 'clone' && event.subject === original.id)).toBe(true)
    const percents = progress.map((event) => event.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(progress.at(-1)).toMatchObject({ percent: 100, done: true })
    expect(progress.slice(0, -1).every((event) => !event.done)).toBe(true)
    expect(clone).toMatchObject({ name: 'Copy', state: 'stopped' })
    expect(clone.id).not.toBe(original.id)
    expect(clone.config).toMatchObject({
      memoryMiB: 64,
      cpus: 1,
      accel: 'tcg',
      cdrom: testIsoPath(),
      os: original.config!.os,
      network: original.config!.network,
      bootOrder: original.config!.bootOrder,
    })
    // Its own network card and SMBIOS identity, from its own id.
    const identity = (argv: string[] | null) =>
      (argv ?? []).filter((arg) => arg.includes('mac=') || /^[0-9a-f-]{36}$/.test(arg))
    expect(identity(clone.argv)).toHaveLength(2)
    for (const value of identity(clone.argv)) expect(identity(original.argv)).not.toContain(value)

    // Its own disk, in its own folder, with the same contents and no link to the original.
    const copy = clone.disks[0]!.path
    expect(copy).toBe(join(clone.dir, 'disk0.qcow2'))
    expect(clone.disks[0]!.backingFiles).toEqual([])
    expect((await execa('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', disk, copy])).exitCode).toBe(0)
    expect(readdirSync(clone.dir).sort()).toEqual(['OVMF_VARS.fd', 'disk0.qcow2', 'vm.json'])
    expect(readFileSync(join(clone.dir, 'OVMF_VARS.fd'), 'utf8')).toBe('boot entries')

    // Writing to one leaves the other as it was; deleting the original keeps the clone whole.
    expect(await qemuIo(copy, 'qcow2', 'write -P 0x5a 0 1M')).toBe(0)
    expect(await qemuIo(disk, 'qcow2', 'read -P 0 0 1M')).toBe(0)
    await vireo.deleteVm({ id: original.id, deleteDisks: true })
    expect(await qemuIo(copy, 'qcow2', 'read -P 0xa5 1M 2M')).toBe(0)
    expect((await vireo.listVms()).map((vm) => vm.name)).toEqual(['Copy'])
  })

  it('refuses a running VM and a name already taken, and makes nothing', async () => {
    const vireo = harness.front('refusals')
    const vm = await createVm(vireo, { name: 'Busy', ...smallVm, start: true })
    await expect(vireo.cloneVm({ id: vm.id, name: 'Busy copy' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: 'Shut “Busy” down before cloning it.',
    })
    await vireo.forceOffVm({ id: vm.id })
    await expect(vireo.cloneVm({ id: vm.id, name: 'BUSY' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    })
    await expect(vireo.cloneVm({ id: 'missing000', name: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect((await vireo.listVms()).map((v) => v.name)).toEqual(['Busy'])
    expect(readdirSync(join(root, 'refusals', 'vms'))).toEqual([vm.id])
  })

  it('runs out of space cleanly: NO_SPACE, no clone listed, nothing left behind', async ({ skip }) => {
    const home = join(root, 'full')
    mkdirSync(home)
    const cannot = await mountTmpfs(home, 'size=8m,mode=0700')
    if (cannot !== null) skip(cannot)
    harness.mounts.push(home)
    const vireo = harness.front('full')
    const vm = await createVm(vireo, { name: 'Big', ...smallVm, diskSize: '5M', diskFormat: 'raw' })
    expect(await qemuIo(vm.disks[0]!.path, 'raw', 'write -P 0x11 0 5M')).toBe(0)
    const progress = follow(vireo)
    await expect(vireo.cloneVm({ id: vm.id, name: 'Big copy' })).rejects.toMatchObject({
      code: 'NO_SPACE',
    })
    expect(progress.at(-1)).toMatchObject({ kind: 'clone', done: true, error: { code: 'NO_SPACE' } })
    expect((await vireo.listVms()).map((v) => v.name)).toEqual(['Big'])
    expect(readdirSync(join(home, 'vms'))).toEqual([vm.id])
    expect(await qemuIo(vm.disks[0]!.path, 'raw', 'read -P 0x11 0 5M')).toBe(0)
  })
})
