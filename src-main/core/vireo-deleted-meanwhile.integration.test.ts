import { existsSync } from 'node:fs'
import { afterAll, expect, it } from 'vitest'
import { createVm, smallVm } from '../api/testing/vm-fixtures'
import { VireoError } from './errors'
import { VireoHarness } from './testing/vireo-harness'

// Two windows on one VIREO_HOME: one starts or clones a VM while the other deletes it.
const harness = new VireoHarness('vireo-deleted-')

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

it('a VM deleted while another window starts or clones it: refusals in words, never an internal error, no folder made again', async () => {
  const one = harness.front('home')
  const other = harness.front('home')
  // The rounds in which the deletion really landed inside the start or the copy: the work
  // began (the VM was there) and then found it gone. Without one, the test proved nothing.
  let raced = 0
  for (let round = 0; round < 24; round++) {
    // UEFI: a start copies the firmware's variables into the VM's folder.
    const vm = await createVm(one, { name: `race ${round}`, ...smallVm, firmware: 'uefi' })
    const work =
      round % 2 === 0
        ? one.startVm({ id: vm.id })
        : one.cloneVm({ id: vm.id, name: `race ${round} copy` })
    // Each round lets the deletion go a little later into the start or the copy.
    await new Promise((resolve) => setTimeout(resolve, round * 3))
    const outcomes = await Promise.allSettled([
      work,
      other.deleteVm({ id: vm.id, deleteDisks: true }),
    ])
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue
      expect(outcome.reason, String(outcome.reason)).toBeInstanceOf(VireoError)
      expect((outcome.reason as VireoError).code).not.toBe('INTERNAL')
    }
    const [worked] = outcomes
    if (worked.status === 'rejected' && /deleted meanwhile|folder .* is gone/.test(String((worked.reason as Error).message))) raced += 1
    const deleted = outcomes[1].status === 'fulfilled'
    expect(existsSync(vm.dir), `round ${round}: the folder of a deleted VM is back`).toBe(!deleted)
    if (!deleted) {
      await one.forceOffVm({ id: vm.id }).catch(() => undefined)
      await one.deleteVm({ id: vm.id, deleteDisks: true })
    }
    for (const left of await one.listVms()) await one.deleteVm({ id: left.id, deleteDisks: true })
  }
  expect(raced, 'rounds in which the deletion landed inside the start or the copy').toBeGreaterThanOrEqual(1)
})
