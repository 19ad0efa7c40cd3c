import { VireoError, msg, type Message, type MessageKey } from '../errors'
import type { HostReport } from '../types'
import type { VmConfig } from './config'
import type { Supervisor } from './supervisor'
import type { VmStore } from './vm-store'

/** The refusals, in words, that several of the API's methods share. */

/** Names are unique, whatever their case: refuses `name` if another VM (not `self`) has it. */
export async function checkNameFree(store: VmStore, name: string, self?: string): Promise<void> {
  const key = name.toLocaleLowerCase()
  const taken = (await store.list()).some((vm) => vm.ok && vm.id !== self && vm.config.name.toLocaleLowerCase() === key)
  if (taken) throw new VireoError('ALREADY_EXISTS', msg('error.vm.nameTaken', { name }), msg('error.vm.nameTakenHint'), { field: 'name' })
}

/** Memory and vCPUs a VM may have on this host: refused, with the host's figures, beyond it. */
export function checkFitsHost(host: HostReport, memoryMiB: number, cpus: number): void {
  if (memoryMiB > host.memory.totalMiB) {
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.vm.tooMuchMemory', { memory: memoryMiB, total: host.memory.totalMiB }),
      msg('error.vm.tooMuchMemoryHint', { most: Math.floor(host.memory.totalMiB * 0.75) }),
      { field: 'memoryMiB' },
    )
  }
  if (cpus > host.cpus) {
    throw new VireoError('INVALID_INPUT', msg('error.vm.tooManyCpus', { cpus, cores: host.cpus }), msg('error.vm.tooManyCpusHint', { cores: host.cpus }), { field: 'cpus' })
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
  if (gone) throw new VireoError('NOT_FOUND', msg('error.vm.deletedMeanwhile', { id }), msg('error.vm.refreshList'))
  throw error
}

/** A VM's definition, if it is stopped: else INVALID_STATE, `refusal` (“Shut {{name}} down …”). */
export async function stoppedConfig(store: VmStore, supervisor: Supervisor, id: string, refusal: MessageKey, hint: Message): Promise<VmConfig> {
  const config = await store.get(id)
  const { state } = await supervisor.status(id)
  if (state !== 'stopped' && state !== 'crashed') throw new VireoError('INVALID_STATE', msg(refusal, { name: config.name }), hint)
  return config
}
