import { VireoError } from '../errors'
import type { HostReport } from '../types'
import type { VmConfig } from './config'
import type { Supervisor } from './supervisor'
import type { VmStore } from './vm-store'

/** The refusals, in words, that several of the API's methods share. */

/** Names are unique, whatever their case: refuses `name` if another VM (not `self`) has it. */
export async function checkNameFree(store: VmStore, name: string, self?: string): Promise<void> {
  const key = name.toLocaleLowerCase()
  const taken = (await store.list()).some((vm) => vm.ok && vm.id !== self && vm.config.name.toLocaleLowerCase() === key)
  if (taken) throw new VireoError('ALREADY_EXISTS', `A VM named “${name}” already exists.`, 'Choose another name.', { field: 'name' })
}

/** Memory and vCPUs a VM may have on this host: refused, with the host's figures, beyond it. */
export function checkFitsHost(host: HostReport, memoryMiB: number, cpus: number): void {
  if (memoryMiB > host.memory.totalMiB) {
    throw new VireoError(
      'INVALID_INPUT',
      `${memoryMiB} MiB of memory is more than this computer has (${host.memory.totalMiB} MiB).`,
      `Choose at most ${Math.floor(host.memory.totalMiB * 0.75)} MiB.`,
      { field: 'memoryMiB' },
    )
  }
  if (cpus > host.cpus) {
    throw new VireoError('INVALID_INPUT', `${cpus} vCPUs is more than this computer’s ${host.cpus} cores.`, `Choose at most ${host.cpus}.`, { field: 'cpus' })
  }
}

/**
 * Rethrows `error`, unless it is an unforeseen one (a file gone from under a command) and the
 * VM `id` was deleted meanwhile, by another window or command: then NOT_FOUND, in words.
 */
export async function unlessDeleted(store: VmStore, id: string, error: unknown): Promise<never> {
  if (error instanceof VireoError) throw error
  const gone = await store.find(id).then(
    () => false,
    () => true,
  )
  if (gone) throw new VireoError('NOT_FOUND', `VM ${id} was deleted meanwhile, by another window or command.`, 'Refresh the list.')
  throw error
}

/** A VM's definition, if it is stopped: else INVALID_STATE, "Shut “X” down <before>." */
export async function stoppedConfig(store: VmStore, supervisor: Supervisor, id: string, before: string, hint: string): Promise<VmConfig> {
  const config = await store.get(id)
  const { state } = await supervisor.status(id)
  if (state !== 'stopped' && state !== 'crashed') throw new VireoError('INVALID_STATE', `Shut “${config.name}” down ${before}.`, hint)
  return config
}
