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
  // Up to 48 rounds, the deletion sent 0–39 ms after the work began (spread, not one sweep, so
  // that a faster or slower machine still has rounds inside); done once 16 rounds have run and
  // at least two raced.
  let raced = 0
  for (let round = 0; round < 48 && !(round >= 16 && raced >= 2); round++) {
    // UEFI: a start copies the firmware's variables into the VM's folder.
    const vm = await createVm(one, { name: `race ${round}`, ...smallVm, firmware: 'uefi' })
    const work =
      round % 2 === 0
        ? one.startVm({ id: vm.id })
        : one.cloneVm({ id: vm.id, name: `race ${round} copy` })
    await new Promise((resolve) => setTimeout(resolve, (round * 7) % 40))
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
