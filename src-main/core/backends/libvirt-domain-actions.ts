import type { ParsedDomain } from '../libvirt/domain-parse'
import { libvirtMessages as m } from '../libvirt/libvirt-messages'
import type { CloneVmRequest, MigrateVmRequest, SnapshotRequest, UpdateVmRequest, VmRef } from '../requests'
import type { VireoEvents, VmDetails, VmSnapshot, VmSummary } from '../types'
import { changeMedia, cloneOnLibvirt, updateOnLibvirt } from './libvirt-changes'
import type { LibvirtSite } from './libvirt-create'
import { migrateOffline } from './libvirt-migrate'
import { deleteDomainSnapshot, listDomainSnapshots, revertDomainSnapshot, takeDomainSnapshot } from './libvirt-snapshots'

/** What the actions need of their backend (libvirt-backend.ts): its calls, its views of a domain, its events. */
export interface ActionsHost {
  uri: string
  site(): LibvirtSite
  look(ref: VmRef): Promise<{ uuid: string; parsed: ParsedDomain; vm: VmSummary }>
  /** The VM as it is now, announced for front ends without libvirt's events. */
  changed(ref: VmRef): Promise<VmSummary>
  current(ref: VmRef): Promise<VmSummary>
  getVm(ref: VmRef): Promise<VmDetails>
  /** Forgets a domain name the backend knew (it is gone from this connection). */
  forget(name: string): void
  emit<E extends keyof VireoEvents>(event: E, payload: VireoEvents[E]): void
}

export function isStopped(vm: VmSummary): boolean {
  return vm.state === 'stopped' || vm.state === 'crashed'
}

/**
 * What changes one domain of a libvirt connection, beside its power: settings, clone, CD,
 * snapshots, migration (each step in its own file); what the change needs checked first (a
 * stopped domain) is checked here.
 */
export class LibvirtDomainActions {
  constructor(private readonly host: ActionsHost) {}

  async updateVm(params: UpdateVmRequest): Promise<VmDetails> {
    const { uuid, vm } = await this.host.look(params)
    await updateOnLibvirt(this.host.site().call, uuid, isStopped(vm), params.changes)
    await this.host.changed(params)
    return this.host.getVm(params)
  }

  async cloneVm(params: CloneVmRequest): Promise<VmDetails> {
    const { uuid, vm } = await this.host.look(params)
    if (!isStopped(vm)) throw m.shutDownFirst('clone')
    const id = await cloneOnLibvirt(this.host.site(), uuid, params.name)
    const ref = { connection: this.host.uri, id }
    this.host.emit('vmChanged', await this.host.current(ref))
    return this.host.getVm(ref)
  }

  /** Puts `path` in the CD drive, or empties it (null). */
  async changeMedia(ref: VmRef, path: string | null): Promise<VmSummary> {
    const { uuid, parsed, vm } = await this.host.look(ref)
    await changeMedia(this.host.site().call, uuid, parsed, !isStopped(vm), path)
    return this.host.changed(ref)
  }

  async listSnapshots(ref: VmRef): Promise<VmSnapshot[]> {
    const { uuid } = await this.host.look(ref)
    return listDomainSnapshots(this.host.site().call, uuid)
  }

  async snapshot(params: SnapshotRequest, action: 'take' | 'revert' | 'delete'): Promise<VmSnapshot[]> {
    const { uuid, vm } = await this.host.look(params)
    const call = this.host.site().call
    if (action === 'take') return takeDomainSnapshot(call, uuid, vm.name, params.name)
    if (action === 'delete') return deleteDomainSnapshot(call, uuid, vm.name, params.name)
    const list = await revertDomainSnapshot(call, uuid, vm.name, params.name)
    await this.host.changed(params)
    return list
  }

  /** The domain moved to `to`'s connection; announced gone here and present there. */
  async migrateVm(params: MigrateVmRequest, to: LibvirtDomainActions): Promise<VmDetails> {
    const { uuid, vm } = await this.host.look(params)
    if (!isStopped(vm)) throw m.shutDownFirst('migrate')
    await migrateOffline(this.host.site(), to.host.site(), uuid)
    this.host.forget(vm.name)
    this.host.emit('vmRemoved', { connection: this.host.uri, id: params.id })
    const moved = { connection: to.host.uri, id: params.id }
    this.host.emit('vmChanged', await to.host.current(moved))
    return to.host.getVm(moved)
  }
}
