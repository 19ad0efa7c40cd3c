import { readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { VmDetails } from '../api/types'
import type { CliValues } from './args'
import { canAsk, confirm } from './confirm'
import { withSession } from './session'

/**
 * `vireo delete VM`: the definition goes; the disks stay (moved out of the list, to
 * `$VIREO_HOME/kept-disks/<id>/`) unless --delete-disks, as with `virsh undefine` and the UI.
 * Deleting disks asks first on a terminal (--yes answers for you) and, without one, is refused
 * unless --yes is given: a script that wants disks gone says so.
 */
export function runDelete(rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, vmRef, out }) => {
    const deleteDisks = values['delete-disks'] === true
    if (deleteDisks && values['keep-disks'])
      throw new Error(
        'Give --delete-disks or --keep-disks, not both (keeping them is the default).',
      )
    const vm = await call('getVm', await vmRef(rest[0], 'delete'))
    const files = deleteDisks ? await filesToRemove(vm) : { removed: [], outside: [] }
    if (deleteDisks && files.removed.length > 0 && !values.yes) {
      if (!canAsk()) {
        throw new Error(
          `Not deleting the disks of “${vm.name}” unasked: this is not a terminal, so there is no one to ask. ` +
            'Add --yes to delete them, or leave out --delete-disks to keep them.',
        )
      }
      const what = vm.config === null ? `its folder ${vm.dir} and everything in it` : 'its disks'
      console.log(`“${vm.name}” is to be deleted with ${what}:`)
      for (const f of files.removed) console.log(`  ${f}`)
      if (!(await confirm('Delete them for good?'))) {
        console.error('vireo: Nothing deleted.')
        return 1
      }
    }
    const result = await call('deleteVm', { connection: vm.connection, id: vm.id, deleteDisks })
    const keptDisks = [...result.keptDisks, ...files.outside]
    const lines = [`Deleted “${vm.name}”.`]
    if (files.removed.length > 0) lines.push('Removed:', ...files.removed.map((f) => `  ${f}`))
    if (keptDisks.length > 0) {
      lines.push(
        vm.config === null
          ? 'Kept the files of its folder (its definition was unreadable):'
          : 'Kept its disks:',
        ...keptDisks.map((f) => `  ${f}`),
      )
      if (!deleteDisks) lines.push('(`vireo delete VM --delete-disks` removes the disks too.)')
    }
    out({ ...result, keptDisks, removedDisks: files.removed }, lines.join('\n'))
    return 0
  })
}

/**
 * What `deleteVm` with deleteDisks removes: the disks in the VM's folder, or for a definition
 * that cannot be read, every file of that folder. Disks elsewhere are never removed.
 */
async function filesToRemove(vm: VmDetails): Promise<{ removed: string[]; outside: string[] }> {
  // A libvirt domain (the CLI's only other connection): libvirt removes its disks, wherever they are.
  if (vm.connection !== 'local') return { removed: vm.disks.map((d) => d.path), outside: [] }
  if (vm.config === null) {
    const names = await readdir(vm.dir)
    return {
      removed: names.filter((n) => n !== 'vm.json').map((n) => join(vm.dir, n)),
      outside: [],
    }
  }
  const paths = vm.disks.map((d) => d.path)
  return {
    removed: paths.filter((p) => dirname(p) === vm.dir),
    outside: paths.filter((p) => dirname(p) !== vm.dir),
  }
}
