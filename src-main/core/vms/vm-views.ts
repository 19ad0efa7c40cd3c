import { toErrorInfo, type ErrorInfo } from '../errors'
import type { VmDetails, VmSummary } from '../types'
import type { VmConfig } from './config'
import { diskDetails } from './disk-details'
import { GuestAgentCache } from './guest-agent-cache'
import { processArgs } from './qemu-process'
import type { Supervisor, VmRuntime } from './supervisor'
import type { StoredVm, VmStore } from './vm-store'

/**
 * What the API shows of a VM: its summary (definition and runtime state) and its details,
 * each naming `connection`, the connection these VMs are on.
 */
export class VmViews {
  /** What each running guest's agent last said: the details never wait on a guest. */
  private readonly agents = new GuestAgentCache()

  constructor(
    private readonly store: VmStore,
    private readonly supervisor: Supervisor,
    private readonly connection: string,
  ) {}

  async list(): Promise<VmSummary[]> {
    const stored = await this.store.list()
    return Promise.all(stored.map(async (vm) => this.summary(vm, await this.supervisor.status(vm.id))))
  }

  /** A VM's summary by id: NOT_FOUND if it is not there. */
  async summaryOf(id: string): Promise<VmSummary> {
    const vm = await this.store.find(id)
    return this.summary(vm, await this.supervisor.status(vm.id))
  }

  /** A VM's summary as it is now read (a broken or missing definition shown as such). */
  async current(id: string, runtime?: VmRuntime): Promise<VmSummary> {
    const vm = await this.store.read(id)
    return this.summary(vm, runtime ?? (await this.supervisor.status(vm.id)))
  }

  async details(id: string): Promise<VmDetails> {
    const vm = await this.store.find(id)
    const runtime = await this.supervisor.status(vm.id)
    const summary = this.summary(vm, runtime)
    if (!vm.ok) return { ...summary, dir: vm.dir, config: null, disks: [], argv: null, launchProblems: [] }
    // qemu-img on each disk, and the launch plan (host facts), at once: neither needs the other.
    // The guest agent is asked at the same time: briefly the first time, then its last answer is
    // shown at once and it is asked again behind it (GuestAgentCache).
    const [disks, launch, guestAgent] = await Promise.all([
      Promise.all(vm.config.disks.map((d) => diskDetails(d, vm.dir, this.supervisor.runtimeFolder('disk-details')))),
      this.launchView(vm.config, runtime),
      runtime.pid === undefined ? this.agents.forget(vm.id) : this.agents.get(vm.id, runtime.pid, this.supervisor.agentSocket(vm.id)),
    ])
    return { ...summary, dir: vm.dir, config: vm.config, disks, ...launch, ...(guestAgent ? { guestAgent } : {}) }
  }

  summary(vm: StoredVm, runtime: VmRuntime): VmSummary {
    const common = {
      connection: this.connection,
      id: vm.id,
      state: runtime.state,
      accelInUse: runtime.accel ?? null,
      startedAt: runtime.startedAt ?? null,
      lastStop: runtime.lastStop ?? null,
      pause: runtime.pause ?? null,
      helpersDown: runtime.helpersDown ?? [],
    }
    if (!vm.ok) {
      return { ...common, name: vm.id, broken: vm.reason, os: null, memoryMiB: 0, cpus: 0, accel: 'auto', firmware: 'bios', cdrom: null, tpm: false, secureBoot: false }
    }
    const c = vm.config
    return { ...common, name: c.name, broken: null, os: c.os ?? null, memoryMiB: c.memoryMiB, cpus: c.cpus, accel: c.accel, firmware: c.firmware, cdrom: c.cdrom, tpm: c.tpm, secureBoot: c.secureBoot }
  }

  /**
   * The command line of a VM: a running one's as its QEMU runs it (read from the process),
   * any other's from the launch plan a start would carry out, with what would stop it.
   */
  private async launchView(config: VmConfig, runtime: VmRuntime): Promise<{ argv: string[] | null; launchProblems: ErrorInfo[] }> {
    if (runtime.pid !== undefined) return { argv: await processArgs(runtime.pid), launchProblems: [] }
    const plan = await this.supervisor.plan(config).catch((error: unknown) => ({ argv: null, problems: [toErrorInfo(error)] }))
    return { argv: plan.argv, launchProblems: plan.problems }
  }
}
