import { VireoError, toErrorInfo, type ErrorInfo } from '../errors'
import { parseDomainXml, type ParsedDomain } from '../libvirt/domain-parse'
import { idOfUuid, parseDomstats, parseUuidNames, uuidOfId, vireoState, type DomainStats } from '../libvirt/domain-state'
import { consoleEndpoint } from '../libvirt/libvirt-console'
import { EventFollower } from '../libvirt/libvirt-events'
import { libvirtHostReport } from '../libvirt/libvirt-host'
import { isLinkFailure, libvirtMessages as m } from '../libvirt/libvirt-messages'
import { ppmToPng } from '../libvirt/ppm-png'
import { parseLibvirtUri, virsh, type LibvirtUri } from '../libvirt/virsh'
import type { DeleteVmRequest, HostCheckRequest, ShutdownVmRequest, VmRef } from '../requests'
import type { ConnectionInfo, DeleteResult, HostReport, LogTail, Screenshot, VmDetails, VmPreview, VmSnapshot, VmSummary } from '../types'
import type { VncEndpoint } from '../console/console-tokens'
import type { Backend, BackendEvents } from './backend'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LibvirtBackendOptions {
  /** The libvirt URI, which is also the connection's id. */
  uri: string
  /** Long-lived front ends follow libvirt's events; the CLI does not. */
  watch: boolean
  events: BackendEvents
}

/**
 * The VMs of one libvirt connection (qemu:///system, qemu:///session, qemu+ssh://…): every
 * domain it has, whoever defined it, through `virsh` argv calls (design.md, Libvirt
 * connections). A domain's id is its UUID without dashes. What is not done yet on libvirt
 * says so (INVALID_STATE, libvirt-messages.notYet).
 */
export class LibvirtBackend implements Backend {
  private readonly uri: LibvirtUri
  private state: ConnectionInfo['state'] = 'disconnected'
  private error: ErrorInfo | null = null
  private follower: EventFollower | null = null
  /** Domain names to ids, as last seen: events name domains, and an undefined one is gone. */
  private readonly ids = new Map<string, string>()

  constructor(private readonly options: LibvirtBackendOptions) {
    this.uri = parseLibvirtUri(options.uri)
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
    }
  }

  dispose(): void {
    this.follower?.stop()
    this.follower = null
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
    const { state, lastStop, pause } = vireoState(stats?.state ?? 5, stats?.reason ?? 0, new Date().toISOString())
    const accel = parsed.type === 'kvm' ? 'kvm' : 'tcg'
    return {
      connection: this.options.uri,
      id: idOfUuid(parsed.uuid),
      name: parsed.name,
      broken: null,
      os: parsed.os,
      state,
      memoryMiB: stats?.memoryKiB != null ? Math.round(stats.memoryKiB / 1024) : parsed.memoryMiB,
      cpus: stats?.cpus ?? parsed.cpus,
      accel,
      accelInUse: state === 'stopped' || state === 'crashed' ? null : accel,
      firmware: parsed.firmware,
      cdrom: parsed.cdrom,
      startedAt: null,
      lastStop,
      pause,
      // libvirt VMs: TPM and Secure Boot are not read from their XML yet (issue 16 covers local VMs).
      tpm: false,
      secureBoot: false,
      helpersDown: [],
    }
  }

  async getVm(ref: VmRef): Promise<VmDetails> {
    const { parsed, stats } = await this.domain(ref)
    return {
      ...this.summary(parsed, stats),
      dir: this.options.uri,
      config: null,
      disks: parsed.disks.map((d) => ({ path: d.path, format: d.format === 'qcow2' ? 'qcow2' : 'raw', bus: d.bus, virtualBytes: null, actualBytes: null })),
      argv: null,
      launchProblems: [],
    }
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
    if (vm.state !== 'stopped' && vm.state !== 'crashed') throw m.runningNoDelete()
    const disks = parsed.disks.map((d) => d.path).filter((p) => p !== '')
    await this.call(['undefine', this.uuid(params), '--nvram', '--managed-save', '--snapshots-metadata', ...(params.deleteDisks && disks.length > 0 ? ['--remove-all-storage'] : [])])
    this.ids.delete(parsed.name)
    this.options.events.emit('vmRemoved', { connection: this.options.uri, id: params.id })
    return { deleted: true, keptDisks: params.deleteDisks ? [] : disks }
  }

  async screenshot(ref: VmRef): Promise<Screenshot> {
    const dir = await mkdtemp(join(tmpdir(), 'vireo-shot-'))
    try {
      const file = join(dir, 'screen')
      // virsh writes the file where virsh runs (here), also for a remote host.
      await this.call(['screenshot', this.uuid(ref), '--file', file])
      const image = await readFile(file)
      if (image.readUInt32BE(0) === 0x89504e47) return { png: image.toString('base64'), width: image.readUInt32BE(16), height: image.readUInt32BE(20) }
      const { png, width, height } = ppmToPng(image)
      return { png: png.toString('base64'), width, height }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async consoleTarget(ref: VmRef): Promise<VncEndpoint> {
    const { parsed, stats } = await this.domain(ref)
    const { state } = this.summary(parsed, stats)
    if (state === 'stopped' || state === 'crashed') throw m.noConsole()
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

  // ── not yet on libvirt connections (docs/design.md, Libvirt connections) ─────────────

  previewVm(): Promise<VmPreview> {
    return Promise.reject(m.notYet('create'))
  }
  createVm(): Promise<VmDetails> {
    return Promise.reject(m.notYet('create'))
  }
  updateVm(): Promise<VmDetails> {
    return Promise.reject(m.notYet('settings'))
  }
  cloneVm(): Promise<VmDetails> {
    return Promise.reject(m.notYet('clone'))
  }
  ejectIso(): Promise<VmSummary> {
    return Promise.reject(m.notYet('eject'))
  }
  insertIso(): Promise<VmSummary> {
    return Promise.reject(m.notYet('insert'))
  }
  logTail(): Promise<LogTail> {
    return Promise.reject(m.notYet('log'))
  }
  listSnapshots(): Promise<VmSnapshot[]> {
    return Promise.resolve([])
  }
  takeSnapshot(): Promise<VmSnapshot[]> {
    return Promise.reject(m.notYet('snapshots'))
  }
  revertSnapshot(): Promise<VmSnapshot[]> {
    return Promise.reject(m.notYet('snapshots'))
  }
  deleteSnapshot(): Promise<VmSnapshot[]> {
    return Promise.reject(m.notYet('snapshots'))
  }
}
