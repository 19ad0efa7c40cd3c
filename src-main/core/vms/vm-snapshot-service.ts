import { VireoError, msg } from '../errors'
import type { SnapshotRequest, VmRef } from '../requests'
import type { VmSnapshot } from '../types'
import type { Supervisor } from './supervisor'
import { applyVmSnapshot, findVmSnapshot, takeVmSnapshot, vmSnapshots, type SnapshotTarget } from './vm-snapshots'
import type { VmStore } from './vm-store'

export interface VmSnapshotServiceOptions {
  store: VmStore
  supervisor: Supervisor
  /** Starts VM `id`, as the API's startVm does. */
  start: (id: string) => Promise<unknown>
  /** Tells listeners that VM `id` changed. */
  announce: (id: string) => Promise<void>
}

/**
 * The snapshot methods over vm-snapshots.ts: a stopped VM's disks, a running (or paused) VM's
 * disks, memory and devices through its QEMU. Each answers with the snapshots as they now are.
 */
export class VmSnapshotService {
  constructor(private readonly o: VmSnapshotServiceOptions) {}

  async list(params: VmRef): Promise<VmSnapshot[]> {
    return vmSnapshots(await this.o.store.get(params.id), this.o.store.dirOf(params.id))
  }

  async take(params: SnapshotRequest): Promise<VmSnapshot[]> {
    await takeVmSnapshot(await this.target(params.id, 'take'), params.name)
    return this.list(params)
  }

  /**
   * Back to a snapshot. A stopped VM and a snapshot with memory: the VM starts and goes on
   * from where the snapshot was taken, as virt-manager does.
   */
  async revert(params: SnapshotRequest): Promise<VmSnapshot[]> {
    let target = await this.target(params.id, 'revert')
    if (target.qmp === null) {
      const snapshot = await findVmSnapshot(target.config, target.dir, params.name)
      if (snapshot.vmStateBytes > 0) {
        await this.o.start(params.id)
        target = await this.target(params.id, 'revert')
      }
    }
    await applyVmSnapshot(target, 'revert', params.name)
    await this.o.announce(params.id)
    return this.list(params)
  }

  async delete(params: SnapshotRequest): Promise<VmSnapshot[]> {
    await applyVmSnapshot(await this.target(params.id, 'delete'), 'delete', params.name)
    return this.list(params)
  }

  /** The VM, with QMP to its QEMU when it runs (or is paused); refused while it starts or stops. */
  private async target(id: string, what: 'take' | 'revert' | 'delete'): Promise<SnapshotTarget> {
    const { store, supervisor } = this.o
    const config = await store.get(id)
    const { state } = await supervisor.status(id)
    const dir = store.dirOf(id)
    if (state === 'stopped' || state === 'crashed') return { config, dir, qmp: null }
    if (state === 'running' || state === 'paused') {
      return { config, dir, qmp: (command, args) => supervisor.ctl(id, command, args) }
    }
    throw new VireoError('INVALID_STATE', msg(`error.snapshot.busy.${what}`, { vm: config.name, state: msg(`state.${state}`) }))
  }
}
