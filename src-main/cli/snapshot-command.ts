import type { CliValues } from './args'
import { canAsk, confirm } from './confirm'
import { formatSnapshots } from './format'
import { withSession } from './session'

const usage = 'vireo snapshot list VM | take VM NAME | revert VM NAME | delete VM NAME'

/**
 * `vireo snapshot`. Revert (the VM's current state is lost) and delete (the snapshot is lost)
 * ask first on a terminal; --yes answers for you. Without a terminal they go ahead, as
 * `virsh snapshot-revert` and `snapshot-delete` do, so that a script never waits on a question.
 */
export function runSnapshot(rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, vmRef, out }) => {
    const [action, vm, name] = rest
    if (action === 'list') {
      const snapshots = await call('listSnapshots', await vmRef(vm, 'snapshot list'))
      out(snapshots, formatSnapshots(snapshots))
      return 0
    }
    const method = (
      { take: 'takeSnapshot', revert: 'revertSnapshot', delete: 'deleteSnapshot' } as const
    )[action as 'take']
    if (method === undefined) throw new Error(`Did you mean: ${usage}`)
    if (name === undefined)
      throw new Error(`vireo snapshot ${action} needs a VM and a snapshot name: ${usage}`)
    const ref = await vmRef(vm, `snapshot ${action}`)
    if (method !== 'takeSnapshot' && !values.yes && canAsk()) {
      // Asked only of a snapshot that exists: an unknown name is refused without a question.
      const known = (await call('listSnapshots', ref)).some((s) => s.name === name)
      const question =
        method === 'revertSnapshot'
          ? `Go back to snapshot “${name}”? What “${vm}” holds now (its disks, and its memory if it runs) is lost.`
          : `Delete snapshot “${name}” of “${vm}”? It cannot be brought back.`
      if (known && !(await confirm(question))) {
        console.error('vireo: Nothing changed.')
        return 1
      }
    }
    const snapshots = await call(method, { ...ref, name })
    out(snapshots, formatSnapshots(snapshots))
    return 0
  })
}
