import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testIsoPath } from './testing/test-iso'
import { methods } from '../api/contract'
import { createVm, smallVm } from '../api/testing/vm-fixtures'
import { until } from './testing/fault-support'
import { qemuIo, typeKeys, VireoHarness } from './testing/vireo-harness'
import { liveSnapshot, type QmpCall } from './vms/live-snapshots'

// Snapshots with the real core: of stopped VMs with qemu-img, of running ones with QEMU.
const harness = new VireoHarness('vireo-snapshots-')

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('snapshots of a VM', () => {
  it('takes one, reverts the disk to it (losing later writes), lists and deletes it', async () => {
    const vireo = harness.front('home')
    const vm = await createVm(vireo, { name: 'Snappy', ...smallVm })
    const disk = vm.disks[0]!.path
    expect(await vireo.listSnapshots({ id: vm.id })).toEqual([])
    expect(await qemuIo(disk, 'qcow2', 'write -P 0xa5 0 1M')).toBe(0)

    const before = Date.now()
    const taken = await vireo.takeSnapshot({ id: vm.id, name: 'fresh install' })
    expect(taken.map((s) => s.name)).toEqual(['fresh install'])
    expect(Date.parse(taken[0]!.createdAt)).toBeGreaterThanOrEqual(before - 1000)
    await vireo.takeSnapshot({ id: vm.id, name: 'second, with a comma' })

    // The guest "breaks" its disk; reverting brings back the snapshot's contents.
    expect(await qemuIo(disk, 'qcow2', 'write -P 0x00 0 1M')).toBe(0)
    await vireo.revertSnapshot({ id: vm.id, name: 'fresh install' })
    expect(await qemuIo(disk, 'qcow2', 'read -P 0xa5 0 1M')).toBe(0)

    const left = await vireo.deleteSnapshot({ id: vm.id, name: 'fresh install' })
    expect(left.map((s) => s.name)).toEqual(['second, with a comma'])
    expect(await qemuIo(disk, 'qcow2', 'read -P 0xa5 0 1M')).toBe(0)
  })

  it('of a running VM holds its memory: taken, reverted to and deleted while it runs; a disk-only one is refused then', async () => {
    const vireo = harness.front('live')
    const vm = await createVm(vireo, { name: 'Busy', ...smallVm })
    await vireo.takeSnapshot({ id: vm.id, name: 'base' })
    await vireo.startVm({ id: vm.id })

    const taken = await vireo.takeSnapshot({ id: vm.id, name: 'live' })
    expect(taken.map((s) => [s.name, s.vmStateBytes > 0])).toEqual([
      ['base', false],
      ['live', true],
    ])
    expect((await vireo.getVm({ id: vm.id })).state).toBe('running')
    await expect(vireo.takeSnapshot({ id: vm.id, name: 'live' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    })
    await expect(vireo.revertSnapshot({ id: vm.id, name: 'base' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringMatching(/^“base” holds only the disks of “Busy”/),
    })
    await vireo.revertSnapshot({ id: vm.id, name: 'live' })
    expect((await vireo.getVm({ id: vm.id })).state).toBe('running')
    // A job that fails in QEMU is reported with its reason, and dismissed.
    const qmp: QmpCall = (command, args) => vireo.supervisor.ctl(vm.id, command, args)
    await expect(liveSnapshot(qmp, 'load', 'missing', 1)).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringMatching(/^Could not revert to snapshot “missing”: .*missing/),
      hint: expect.stringMatching(/left paused/),
    })
    expect(await qmp('query-jobs')).toEqual([])
    await vireo.resumeVm({ id: vm.id })
    await vireo.pauseVm({ id: vm.id })
    await vireo.takeSnapshot({ id: vm.id, name: 'paused' })
    expect((await vireo.getVm({ id: vm.id })).state).toBe('paused')
    expect((await vireo.deleteSnapshot({ id: vm.id, name: 'live' })).map((s) => s.name)).toEqual([
      'base',
      'paused',
    ])
    await vireo.forceOffVm({ id: vm.id })
  })

  it('of a running UEFI VM leaves its firmware variables out instead of failing on them', async () => {
    const vireo = harness.front('uefi')
    const vm = await createVm(vireo, { name: 'Firmware', ...smallVm, memoryMiB: 128, firmware: 'uefi', start: true })
    const taken = await vireo.takeSnapshot({ id: vm.id, name: 'live' })
    expect(taken.map((s) => [s.name, s.vmStateBytes > 0])).toEqual([['live', true]])
    await vireo.revertSnapshot({ id: vm.id, name: 'live' })
    expect((await vireo.getVm({ id: vm.id })).state).toBe('running')
    await vireo.forceOffVm({ id: vm.id })
  })

  it('refuses a taken or unknown name, and raw disks', async () => {
    const vireo = harness.front('refusals')
    const vm = await createVm(vireo, { name: 'Busy', ...smallVm })
    await vireo.takeSnapshot({ id: vm.id, name: 'base' })
    await expect(vireo.takeSnapshot({ id: vm.id, name: 'base' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      details: { field: 'name' },
    })
    await expect(vireo.revertSnapshot({ id: vm.id, name: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: '“Busy” has no snapshot named “nope”.',
    })

    const raw = await createVm(vireo, { name: 'Raw', ...smallVm, diskFormat: 'raw' })
    await expect(vireo.takeSnapshot({ id: raw.id, name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/raw disk .* cannot hold snapshots/),
    })
    await vireo.startVm({ id: raw.id })
    await expect(vireo.takeSnapshot({ id: raw.id, name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    await vireo.forceOffVm({ id: raw.id })
    expect(await vireo.listSnapshots({ id: raw.id })).toEqual([])
  })

  it('brings back what the guest had in memory: a shell variable, while it runs and after it was shut down', async () => {
    const vireo = harness.front('memory', { watch: true })
    const vm = await createVm(vireo, {
      name: 'Installed',
      ...smallVm,
      diskSize: '256M',
      memoryMiB: 256,
      source: { kind: 'iso', path: testIsoPath() },
      start: true,
    })
    const serial = () => readFileSync(join(vm.dir, 'serial.log'), 'utf8')
    await until('the installer to power the VM off', async () => (await vireo.getVm({ id: vm.id })).state === 'stopped')
    await vireo.startVm({ id: vm.id })
    await until('the installed system', () => serial().includes('Vireo test OS: ready'))

    // tty1 (the VGA console) has a shell: what it holds in a variable lives only in memory.
    const type = (text: string) => typeKeys(vireo, vm.id, text)
    await type('x=one\n')
    await vireo.takeSnapshot({ id: vm.id, name: 'one' })
    await type('x=two\n')
    await vireo.revertSnapshot({ id: vm.id, name: 'one' })
    await type('echo state-$x >/dev/ttyS0\n')
    await until('the guest to say its state', () => /state-(one|two)/.test(serial()))
    expect(serial()).toContain('state-one')

    // Shut down, the VM starts again from the snapshot, not from a boot.
    await vireo.forceOffVm({ id: vm.id })
    await vireo.revertSnapshot({ id: vm.id, name: 'one' })
    expect((await vireo.getVm({ id: vm.id })).state).toBe('running')
    await type('echo again-$x >/dev/ttyS0\n')
    await until('the guest to say its state again', () => /again-(one|$)/m.test(serial()))
    expect(serial()).toContain('again-one')
    expect(serial()).not.toContain('Vireo test OS: ready')
    await vireo.forceOffVm({ id: vm.id })
  })

  it('refuses names qemu-img would misread or that are not names', () => {
    const name = (value: unknown) => methods.takeSnapshot.safeParse({ id: 'abcdefgh', name: value })
    expect(name('  before the update ').data?.name).toBe('before the update')
    for (const bad of ['', '  ', '42', 'a\u0000b', 'x'.repeat(65), 7]) expect(name(bad).success).toBe(false)
    expect(name('42b').success).toBe(true)
  })
})
