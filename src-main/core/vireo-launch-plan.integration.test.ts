import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testIsoPath } from './testing/test-iso'
import { createVm, smallVm } from '../api/testing/vm-fixtures'
import { methods } from '../api/contract'
import { vireoError } from './testing/rejections'
import { pidOf, VireoHarness } from './testing/vireo-harness'
import { processArgs } from './vms/qemu-process'

// What the details, `vireo info` and the wizard's review show is what a start runs, and what
// stops a start is said before it: one launch plan behind both (real QEMU under TCG).
const harness = new VireoHarness('vireo-plan-')

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('the launch plan, shown and run', () => {
  it('starts exactly the command line the details showed, and shows the one that runs', async () => {
    const vireo = harness.front('shown')
    const vm = await createVm(vireo, { name: 'Shown', ...smallVm })
    expect(vm.launchProblems).toEqual([])
    expect(vm.argv).not.toBeNull()
    await vireo.startVm({ id: vm.id })
    try {
      expect(await processArgs(await pidOf(vireo, vm.id))).toEqual(vm.argv)
      expect((await vireo.getVm({ id: vm.id })).argv).toEqual(vm.argv)
    } finally {
      await vireo.forceOffVm({ id: vm.id })
    }
  })

  it('shows a UEFI VM’s own variable store before its first start, and starts with it', async (ctx) => {
    const vireo = harness.front('uefi')
    const host = await vireo.hostCheck({ refresh: false })
    if (host.firmware.uefi === null) return ctx.skip('OVMF is not installed here')
    const vm = await createVm(vireo, { name: 'Firmware', ...smallVm, firmware: 'uefi' })
    expect(vm.argv?.join(' ')).toContain(`file=${join(vm.dir, 'OVMF_VARS.fd')}`)
    await vireo.startVm({ id: vm.id })
    try {
      expect(await processArgs(await pidOf(vireo, vm.id))).toEqual(vm.argv)
    } finally {
      await vireo.forceOffVm({ id: vm.id })
    }
  })

  it('makes the VM the review showed: its id, folder and command line', async () => {
    const vireo = harness.front('review')
    const params = methods.createVm.parse({ name: 'Reviewed', ...smallVm })
    const preview = await vireo.previewVm(params)
    expect(preview.problems).toEqual([])
    const vm = await vireo.createVm({ ...params, id: preview.id })
    expect(vm.id).toBe(preview.id)
    expect(vm.disks[0]?.path).toBe(preview.diskPath)
    expect(vm.argv).toEqual(preview.argv)
    const again = await vireoError(
      vireo.createVm({ ...params, name: 'Reviewed twice', id: preview.id }),
    )
    expect(again.code).toBe('ALREADY_EXISTS')
    expect((await vireo.listVms()).map((v) => v.id)).toEqual([preview.id])
  })

  it('says before a start what stops it, in the same words the start then refuses with', async (ctx) => {
    const vireo = harness.front('problems')
    const iso = join(harness.root, 'moved-away.iso')
    copyFileSync(testIsoPath(), iso)
    const vm = await createVm(vireo, {
      name: 'Stopped by',
      ...smallVm,
      source: { kind: 'iso', path: iso },
    })
    rmSync(iso)
    const details = await vireo.getVm({ id: vm.id })
    expect(details.argv).toBeNull()
    expect(details.launchProblems.map((p) => p.code)).toEqual(['FILE_MISSING'])
    const refused = await vireoError(vireo.startVm({ id: vm.id }))
    expect(refused.toJSON()).toEqual(details.launchProblems[0])

    const host = await vireo.hostCheck({ refresh: false })
    if (host.kvm.usable) return ctx.skip('KVM works here, so a VM set to KVM is not refused')
    await vireo.ejectIso({ id: vm.id })
    await vireo.updateVm({ id: vm.id, changes: { accel: 'kvm' } })
    const kvm = await vireo.getVm({ id: vm.id })
    expect(kvm.argv).toBeNull()
    expect(kvm.launchProblems[0]?.message).toContain('set to use KVM')
    expect((await vireoError(vireo.startVm({ id: vm.id }))).toJSON()).toEqual(kvm.launchProblems[0])
  })
})
