import { VireoError, toErrorInfo, type ErrorInfo } from '../errors'
import { parseDomainXml, type ParsedDomain } from '../libvirt/domain-parse'
import { domainDetails, domainSummary, idOfUuid, parseDomstats, parseUuidNames, uuidOfId, type DomainStats } from '../libvirt/domain-state'
import { consoleEndpoint, domainScreenshot } from '../libvirt/libvirt-console'
import { EventFollower } from '../libvirt/libvirt-events'
import { libvirtHostReport } from '../libvirt/libvirt-host'
import { startStatsSampler } from '../libvirt/libvirt-stats'
import { isLinkFailure, libvirtMessages as m } from '../libvirt/libvirt-messages'
import { parseLibvirtUri, virsh, type LibvirtUri } from '../libvirt/virsh'
import type { CloneVmRequest, CreateVmRequest, DeleteVmRequest, HostCheckRequest, InsertIsoRequest, MigrateVmRequest, ShutdownVmRequest, SnapshotRequest, UpdateVmRequest, VmRef } from '../requests'
import type { ConnectionInfo, DeleteResult, HostReport, LogTail, Screenshot, VmDetails, VmPreview, VmSnapshot, VmSummary } from '../types'
import type { VncEndpoint } from '../console/console-tokens'
import type { Backend, BackendEvents } from './backend'
import { createOnLibvirt, previewOnLibvirt, type LibvirtSite } from './libvirt-create'
import { isStopped, LibvirtDomainActions } from './libvirt-domain-actions'

export interface LibvirtBackendOptions {
  /** The libvirt URI, which is also the connection's id. */
  uri: string
  /** Long-lived front ends follow libvirt's events; the CLI does not. */
  watch: boolean
  events: BackendEvents
  /**
   * Whether this computer's KVM works, by Vireo's own probe (for a local URI's `auto`: libvirt
   * offers KVM wherever /dev/kvm opens, even where guests then hang or fail to start).
   */
  localAccel?: () => Promise<'kvm' | 'tcg'>
}

/**
 * The VMs of one libvirt connection (qemu:///system, qemu:///session, qemu+ssh://…): every
 * domain it has, whoever defined it, through `virsh` argv calls (design.md, Libvirt
 * connections). A domain's id is its UUID without dashes. Its list, power, console and
 * events are here; making one in libvirt-create.ts, changing one in libvirt-domain-actions.ts.
 * The QEMU log is not offered yet (INVALID_STATE, libvirt-messages.notYet).
 */
export class LibvirtBackend implements Backend {
  private readonly uri: LibvirtUri
  private state: ConnectionInfo['state'] = 'disconnected'
  private error: ErrorInfo | null = null
  private follower: EventFollower | null = null
  private stopStats: (() => void) | null = null
  /** Domain names to ids, as last seen: events name domains, and an undefined one is gone. */
  private readonly ids = new Map<string, string>()

  /** What changes one domain: libvirt-domain-actions.ts. */
  private readonly actions: LibvirtDomainActions

  constructor(private readonly options: LibvirtBackendOptions) {
    this.uri = parseLibvirtUri(options.uri)
    this.actions = new LibvirtDomainActions({
      uri: this.options.uri,
      site: () => this.site,
      look: (ref) => this.look(ref),
      changed: (ref) => this.changed(ref),
      current: (ref) => this.current(ref),
      getVm: (ref) => this.getVm(ref),
      forget: (name) => this.ids.delete(name),
      emit: (event, payload) => this.options.events.emit(event, payload),
    })
  }

  info(): ConnectionInfo {
    return { id: this.options.uri, kind: 'libvirt', uri: this.options.uri, label: this.options.uri, state: this.state, error: this.error }
  }

  async attach(): Promise<void> {
    this.setState('connecting', null)
    try {
      await this.call(['uri'], 30_000)
    } catch (error) {
      this.setState('failed', toErrorInfo(error))
      throw error
    }
    this.setState('connected', null)
    if (this.options.watch && this.follower === null) {
      this.follower = new EventFollower({
        uri: this.options.uri,
        onEvent: (event) => void this.onDomainEvent(event.domain, event.detail),
        onLink: (up) => {
          if (up) this.setState('connected', null)
          else this.setState('failed', m.connectionLost(this.options.uri).toJSON())
        },
      })
      this.follower.start()
      this.stopStats = startStatsSampler({
        call: (args) => this.call(args),
        wanted: () => this.options.events.wanted('vmStats'),
        emit: (name, cpuPercent, memoryBytes) => {
          const id = this.ids.get(name)
          if (id !== undefined) this.options.events.emit('vmStats', { connection: this.options.uri, id, cpuPercent, memoryBytes })
        },
      })
    }
  }

  dispose(): void {
    this.follower?.stop()
    this.follower = null
    this.stopStats?.()
    this.stopStats = null
  }

  private setState(state: ConnectionInfo['state'], error: ErrorInfo | null): void {
    const changed = state !== this.state || JSON.stringify(error) !== JSON.stringify(this.error)
    this.state = state
    this.error = error
    if (changed) this.options.events.emit('connectionChanged', this.info())
  }

  /** One virsh call on this connection; a call that reaches libvirt makes it `connected`. */
  private async call(args: string[], timeoutMs?: number): Promise<string> {
    try {
      const out = await virsh(this.options.uri, args, timeoutMs === undefined ? {} : { timeoutMs })
      if (this.state !== 'connected') this.setState('connected', null)
      return out
    } catch (error) {
      if (isLinkFailure(error)) this.setState('failed', toErrorInfo(error))
      throw error
    }
  }

  async hostCheck(_params: HostCheckRequest): Promise<HostReport> {
    return libvirtHostReport((args) => this.call(args))
  }

  /** What the create, clone and migrate steps need of this connection. */
  private get site(): LibvirtSite {
    return {
      uri: this.options.uri,
      call: (args, timeoutMs) => this.call(args, timeoutMs),
      host: () => this.hostCheck({ refresh: false }),
      local: this.uri.ssh === null,
      localAccel: this.options.localAccel ?? (() => Promise.resolve('kvm')),
      progress: (job) => this.options.events.emit('jobProgress', { ...job, connection: this.options.uri }),
    }
  }

  previewVm(params: CreateVmRequest): Promise<VmPreview> {
    return previewOnLibvirt(this.site, params)
  }

  /** Defines the domain, announces it, and starts it if asked (a failed start keeps it, and says so). */
  async createVm(params: CreateVmRequest): Promise<VmDetails> {
    const id = await createOnLibvirt(this.site, params)
    const ref = { connection: this.options.uri, id }
    this.options.events.emit('vmChanged', await this.current(ref))
    if (params.start) {
      try {
        await this.power(ref, ['start'])
      } catch (error) {
        throw m.createdNotStarted(params.name, id, error)
      }
    }
    return this.getVm(ref)
  }

  async listVms(): Promise<VmSummary[]> {
    const [names, stats] = await Promise.all([this.call(['list', '--all', '--uuid', '--name']), this.call(['domstats', '--state', '--balloon', '--vcpu'])])
    const rows = parseUuidNames(names)
    const byName = parseDomstats(stats)
    const vms = await Promise.all(
      rows.map(async ({ uuid, name }) => {
        try {
          return this.summary(parseDomainXml(await this.call(['dumpxml', uuid])), byName.get(name))
        } catch (error) {
          if (error instanceof VireoError && error.code === 'NOT_FOUND') return null // undefined meanwhile
          throw error
        }
      }),
    )
    const list = vms.filter((vm): vm is VmSummary => vm !== null)
    this.ids.clear()
    for (const vm of list) this.ids.set(vm.name, vm.id)
    return list
  }

  /** The domain's UUID, or NOT_FOUND for an id that is none. */
  private uuid(ref: VmRef): string {
    const uuid = uuidOfId(ref.id)
    if (uuid === null) throw m.hasNoDomain(this.options.uri)
    return uuid
  }

  private async domain(ref: VmRef): Promise<{ parsed: ParsedDomain; stats: DomainStats | undefined }> {
    const uuid = this.uuid(ref)
    const parsed = parseDomainXml(await this.call(['dumpxml', uuid]))
    const stats = parseDomstats(await this.call(['domstats', '--state', '--balloon', '--vcpu', uuid])).get(parsed.name)
    return { parsed, stats }
  }

  private summary(parsed: ParsedDomain, stats: DomainStats | undefined): VmSummary {
    return domainSummary(this.options.uri, parsed, stats)
  }

  async getVm(ref: VmRef): Promise<VmDetails> {
    const { parsed, stats } = await this.domain(ref)
    return domainDetails(this.options.uri, parsed, stats)
  }

  private async current(ref: VmRef): Promise<VmSummary> {
    const { parsed, stats } = await this.domain(ref)
    const vm = this.summary(parsed, stats)
    this.ids.set(vm.name, vm.id)
    return vm
  }

  /** A power call, then the VM as it is now (announced, for front ends without events). */
  private async power(ref: VmRef, args: string[]): Promise<VmSummary> {
    await this.call([...args.slice(0, 1), this.uuid(ref), ...args.slice(1)])
    const vm = await this.current(ref)
    if (this.follower === null) this.options.events.emit('vmChanged', vm)
    return vm
  }

  startVm(ref: VmRef): Promise<VmSummary> {
    return this.power(ref, ['start'])
  }

  async shutdownVm(params: ShutdownVmRequest): Promise<VmSummary> {
    let vm = await this.power(params, ['shutdown', '--mode', 'acpi'])
    const until = Date.now() + params.timeoutSec * 1000
    while (vm.state !== 'stopped' && vm.state !== 'crashed' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      vm = await this.current(params)
    }
    return vm
  }

  forceOffVm(ref: VmRef): Promise<VmSummary> {
    return this.power(ref, ['destroy'])
  }

  rebootVm(ref: VmRef): Promise<VmSummary> {
    return this.power(ref, ['reboot'])
  }

  pauseVm(ref: VmRef): Promise<VmSummary> {
    return this.power(ref, ['suspend'])
  }

  resumeVm(ref: VmRef): Promise<VmSummary> {
    return this.power(ref, ['resume'])
  }

  /** Undefines the domain (and its NVRAM); with deleteDisks, its disks as libvirt volumes too. */
  async deleteVm(params: DeleteVmRequest): Promise<DeleteResult> {
    const { parsed, stats } = await this.domain(params)
    const vm = this.summary(parsed, stats)
    if (!isStopped(vm)) throw m.runningNoDelete()
    const disks = parsed.disks.map((d) => d.path).filter((p) => p !== '')
    await this.call(['undefine', this.uuid(params), '--nvram', '--managed-save', '--snapshots-metadata', ...(params.deleteDisks && disks.length > 0 ? ['--remove-all-storage'] : [])])
    this.ids.delete(parsed.name)
    this.options.events.emit('vmRemoved', { connection: this.options.uri, id: params.id })
    return { deleted: true, keptDisks: params.deleteDisks ? [] : disks }
  }

  async screenshot(ref: VmRef): Promise<Screenshot> {
    return domainScreenshot((args) => this.call(args), this.uuid(ref))
  }

  async consoleTarget(ref: VmRef): Promise<VncEndpoint> {
    const { parsed, stats } = await this.domain(ref)
    if (isStopped(this.summary(parsed, stats))) throw m.noConsole()
    return consoleEndpoint(this.uri, parsed.vnc)
  }

  /** An event names a domain: show it as it is now, or as gone. */
  private async onDomainEvent(name: string, detail: string): Promise<void> {
    const known = this.ids.get(name)
    if (/^Undefined/.test(detail) && known !== undefined) {
      this.ids.delete(name)
      this.options.events.emit('vmRemoved', { connection: this.options.uri, id: known })
      return
    }
    try {
      const uuid = (await this.call(['domuuid', name])).trim()
      const vm = await this.current({ connection: this.options.uri, id: idOfUuid(uuid) })
      this.options.events.emit('vmChanged', vm)
    } catch {
      // gone between the event and the look (its Undefined event follows), or the link is down
    }
  }

  /** The domain, its UUID, and whether it is stopped (what changes to it need to know). */
  private async look(ref: VmRef): Promise<{ uuid: string; parsed: ParsedDomain; vm: VmSummary }> {
    const { parsed, stats } = await this.domain(ref)
    const vm = this.summary(parsed, stats)
    return { uuid: this.uuid(ref), parsed, vm }
  }

  private async changed(ref: VmRef): Promise<VmSummary> {
    const vm = await this.current(ref)
    if (this.follower === null) this.options.events.emit('vmChanged', vm)
    return vm
  }

  updateVm = (params: UpdateVmRequest): Promise<VmDetails> => this.actions.updateVm(params)
  cloneVm = (params: CloneVmRequest): Promise<VmDetails> => this.actions.cloneVm(params)
  ejectIso = (ref: VmRef): Promise<VmSummary> => this.actions.changeMedia(ref, null)
  insertIso = (params: InsertIsoRequest): Promise<VmSummary> => this.actions.changeMedia(params, params.path)
  listSnapshots = (ref: VmRef): Promise<VmSnapshot[]> => this.actions.listSnapshots(ref)
  takeSnapshot = (params: SnapshotRequest): Promise<VmSnapshot[]> => this.actions.snapshot(params, 'take')
  revertSnapshot = (params: SnapshotRequest): Promise<VmSnapshot[]> => this.actions.snapshot(params, 'revert')
  deleteSnapshot = (params: SnapshotRequest): Promise<VmSnapshot[]> => this.actions.snapshot(params, 'delete')

  /** Moves a stopped domain with its disks to another libvirt connection (libvirt-migrate.ts). */
  migrateVm(params: MigrateVmRequest, to: Backend): Promise<VmDetails> {
    if (!(to instanceof LibvirtBackend) || to === this) return Promise.reject(m.migrateNeedsLibvirt())
    return this.actions.migrateVm(params, to.actions)
  }

  addDisk(): Promise<VmDetails> {
    return Promise.reject(m.notYet('disks'))
  }
  removeDisk(): Promise<VmDetails> {
    return Promise.reject(m.notYet('disks'))
  }

  logTail(): Promise<LogTail> {
    return Promise.reject(m.notYet('log'))
  }
}
