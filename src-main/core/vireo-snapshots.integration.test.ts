import { afterAll, describe, expect, it } from 'vitest'
import { methods, type Input } from '../api/contract'
import { qemuIo, VireoHarness } from './testing/vireo-harness'
import type { Vireo } from './vireo'

// Snapshots of stopped VMs with the real core and real qemu-img (and QEMU, for the running case).
const harness = new VireoHarness('vireo-snapshots-')
const create = (vireo: Vireo, params: Input<'createVm'>) =>
  vireo.createVm(methods.createVm.parse(params))

const small = { source: { kind: 'none' }, diskSize: '16M', memoryMiB: 64, cpus: 1, accel: 'tcg' } as const

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('snapshots of a VM', () => {
  it('takes one, reverts the disk to it (losing later writes), lists and deletes it', async () => {
    const vireo = harness.front('home')
    const vm = await create(vireo, { name: 'Snappy', ...small })
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

  it('refuses a running VM (but lists its snapshots), a taken or unknown name, and raw disks', async () => {
    const vireo = harness.front('refusals')
    const vm = await create(vireo, { name: 'Busy', ...small })
    await vireo.takeSnapshot({ id: vm.id, name: 'base' })
    await expect(vireo.takeSnapshot({ id: vm.id, name: 'base' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      details: { field: 'name' },
    })
    await expect(vireo.revertSnapshot({ id: vm.id, name: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: '“Busy” has no snapshot named “nope”.',
    })

    await vireo.startVm({ id: vm.id })
    for (const attempt of [
      () => vireo.takeSnapshot({ id: vm.id, name: 'live' }),
      () => vireo.revertSnapshot({ id: vm.id, name: 'base' }),
      () => vireo.deleteSnapshot({ id: vm.id, name: 'base' }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: expect.stringMatching(/^Shut “Busy” down before/),
      })
    }
    expect((await vireo.listSnapshots({ id: vm.id })).map((s) => s.name)).toEqual(['base'])
    await vireo.forceOffVm({ id: vm.id })

    const raw = await create(vireo, { name: 'Raw', ...small, diskFormat: 'raw' })
    await expect(vireo.takeSnapshot({ id: raw.id, name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/raw disk .* cannot hold snapshots/),
    })
    expect(await vireo.listSnapshots({ id: raw.id })).toEqual([])
  })

  it('refuses names qemu-img would misread or that are not names', () => {
    const name = (value: unknown) => methods.takeSnapshot.safeParse({ id: 'abcdefgh', name: value })
    expect(name('  before the update ').data?.name).toBe('before the update')
    for (const bad of ['', '  ', '42', 'a\u0000b', 'x'.repeat(65), 7]) expect(name(bad).success).toBe(false)
    expect(name('42b').success).toBe(true)
  })
})
