import type { VmDetails, VmSummary } from '../types'
import type { StopRecord, PauseRecord, VmState } from '../vms/vm-state'
import type { ParsedDomain } from './domain-parse'

/**
 * Reading what virsh prints about domains (pure): `list --all --uuid --name`, `domstats
 * --state --balloon --vcpu`, and the ids Vireo names a domain by. libvirt's states become
 * Vireo's, so the list and the buttons mean the same on every connection; a domain becomes
 * the summary and details every front end shows.
 */

/** A domain's Vireo id: its UUID without dashes (32 hex digits, a valid VM id). */
export function idOfUuid(uuid: string): string {
  return uuid.toLowerCase().replace(/-/g, '')
}

/** The UUID of a Vireo id, for virsh (which takes a UUID, with dashes, or a name). */
export function uuidOfId(id: string): string | null {
  if (!/^[0-9a-f]{32}$/.test(id)) return null
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
}

/** `virsh list --all --uuid --name`: one `UUID NAME` a line (a name may have spaces). */
export function parseUuidNames(stdout: string): { uuid: string; name: string }[] {
  const rows: { uuid: string; name: string }[] = []
  for (const line of stdout.split('\n')) {
    const match = /^\s*([0-9a-f-]{36})\s+(.+?)\s*$/i.exec(line)
    if (match?.[1] !== undefined && match[2] !== undefined) rows.push({ uuid: match[1].toLowerCase(), name: match[2] })
  }
  return rows
}

export interface DomainStats {
  state: number
  reason: number
  memoryKiB: number | null
  cpus: number | null
}

/** `virsh domstats --state --balloon --vcpu`: stats by domain name. */
export function parseDomstats(stdout: string): Map<string, DomainStats> {
  const out = new Map<string, DomainStats>()
  let current: DomainStats | null = null
  for (const line of stdout.split('\n')) {
    const head = /^Domain: '(.*)'\s*$/.exec(line)
    if (head?.[1] !== undefined) {
      current = { state: 0, reason: 0, memoryKiB: null, cpus: null }
      out.set(head[1], current)
      continue
    }
    const kv = /^\s+([\w.]+)=(.*)$/.exec(line)
    if (current === null || kv?.[1] === undefined || kv[2] === undefined) continue
    const value = Number(kv[2])
    if (kv[1] === 'state.state') current.state = value
    else if (kv[1] === 'state.reason') current.reason = value
    else if (kv[1] === 'balloon.maximum') current.memoryKiB = value
    else if (kv[1] === 'vcpu.maximum') current.cpus = value
  }
  return out
}

export interface VireoState {
  state: VmState
  lastStop: StopRecord | null
  pause: PauseRecord | null
}

// virDomainState and its reasons (libvirt's include/libvirt/libvirt-domain.h).
const RUNNING = [1, 2]
const PAUSED = 3
const SHUTDOWN = 4
const SHUTOFF = 5
const CRASHED = 6
const PMSUSPENDED = 7
const PAUSED_IOERROR = 5
const PAUSED_CRASHED = 10
const SHUTOFF_SHUTDOWN = 1
const SHUTOFF_DESTROYED = 2
const SHUTOFF_CRASHED = 3

/** libvirt's state and reason as Vireo's (`at` is when Vireo saw it, for a stop record). */
export function vireoState(state: number, reason: number, at: string): VireoState {
  if (RUNNING.includes(state)) return { state: 'running', lastStop: null, pause: null }
  if (state === PAUSED || state === PMSUSPENDED) {
    const why = reason === PAUSED_IOERROR ? 'io-error' : reason === PAUSED_CRASHED ? 'guest-panic' : 'user'
    return { state: 'paused', lastStop: null, pause: { reason: why } }
  }
  if (state === SHUTDOWN) return { state: 'shutting-down', lastStop: null, pause: null }
  if (state === CRASHED) return { state: 'crashed', lastStop: { reason: 'crashed', at }, pause: null }
  if (state === SHUTOFF && reason !== 0) {
    const why = reason === SHUTOFF_SHUTDOWN ? 'guest-shutdown' : reason === SHUTOFF_DESTROYED ? 'forced' : reason === SHUTOFF_CRASHED ? 'crashed' : 'unknown'
    return { state: 'stopped', lastStop: { reason: why, at }, pause: null }
  }
  return { state: 'stopped', lastStop: null, pause: null }
}

/** One line of `virsh event --all --loop --timestamp`: which domain, and what happened. */
export interface DomainEvent {
  domain: string
  kind: string
  detail: string
}

export function parseEventLine(line: string): DomainEvent | null {
  const match = /event '([\w-]+)' for domain '(.*)'(?::\s*(.*))?$/.exec(line.trim())
  if (match?.[1] === undefined || match[2] === undefined) return null
  return { kind: match[1], domain: match[2], detail: match[3] ?? '' }
}

/** A domain as Vireo lists it (`at`: now, for a stop record). */
export function domainSummary(connection: string, parsed: ParsedDomain, stats: DomainStats | undefined): VmSummary {
  const { state, lastStop, pause } = vireoState(stats?.state ?? 5, stats?.reason ?? 0, new Date().toISOString())
  const accel = parsed.type === 'kvm' ? 'kvm' : 'tcg'
  return {
    connection,
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
    // Not read from the domain's XML yet: TPM and Secure Boot are Vireo's own VMs' for now.
    tpm: false,
    secureBoot: false,
    helpersDown: [],
  }
}

/** A domain as its details show it: no Vireo config, folder or command line (libvirt keeps those). */
export function domainDetails(connection: string, parsed: ParsedDomain, stats: DomainStats | undefined): VmDetails {
  return {
    ...domainSummary(connection, parsed, stats),
    dir: connection,
    config: null,
    disks: parsed.disks.map((d) => ({ path: d.path, format: d.format === 'qcow2' ? 'qcow2' : 'raw', bus: d.bus, virtualBytes: null, actualBytes: null })),
    argv: null,
    launchProblems: [],
  }
}
