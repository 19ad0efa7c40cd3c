import type { VmRef } from './types'

/** The connection of Vireo's own VMs, which needs no naming in a link. */
export const LOCAL = 'local'

/**
 * The one key of a VM in the renderer's records (the list, stats, React keys): its connection
 * and its id, as two connections may hold the same id.
 */
export function vmKey(ref: VmRef): string {
  return `${encodeURIComponent(ref.connection)}/${encodeURIComponent(ref.id)}`
}

/** What a request names a VM by: just its connection and id (not the whole summary). */
export function refOf(vm: VmRef): VmRef {
  return { connection: vm.connection, id: vm.id }
}

/** Whether two references name the same VM. */
export function sameVm(a: VmRef, b: VmRef): boolean {
  return a.connection === b.connection && a.id === b.id
}
