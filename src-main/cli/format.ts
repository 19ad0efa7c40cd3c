import type { HostReport, VmDetails, VmSnapshot, VmSummary } from '../api/types'
import { msg, type Message } from '../core/errors'
import { formatCommandLine } from '../core/exec'
import { sayEnglish, type Say } from './language'

const mark = { ok: '✓', warning: '!', error: '✗' } as const

/** Text the core sent as a message, or its English words where a record predates messages. */
function said(say: Say, text: Message | undefined, english: string): string {
  return text === undefined ? english : say(text)
}

export function formatHost(report: HostReport, say: Say = sayEnglish): string {
  const program = (label: string, info: HostReport['qemu']) =>
    say(info ? msg('cli.host.program', { label, version: info.version, path: info.path }) : msg('cli.host.programMissing', { label }))
  const lines = [
    say(msg('cli.host.accel', { accel: report.accel.toUpperCase(), reason: said(say, report.accelReasonText, report.accelReason) })),
    program('QEMU', report.qemu),
    program('qemu-img', report.qemuImg),
    say(msg('cli.host.memory', { available: report.memory.availableMiB, total: report.memory.totalMiB, cores: report.cpus })),
    say(msg('cli.host.disk', { free: (report.disk.freeBytes / 2 ** 30).toFixed(1), path: report.disk.path })),
    '',
  ]
  for (const item of report.items) {
    lines.push(`${mark[item.status]} ${said(say, item.titleText, item.title)}`)
    if (item.status !== 'ok') lines.push(`    ${said(say, item.detailText, item.detail)}`)
    if (item.fix && item.status !== 'ok') lines.push(`    → ${said(say, item.fixText, item.fix)}`)
  }
  lines.push('', say(msg(report.ok ? 'cli.host.canRun' : 'cli.host.cannotRun')))
  return lines.join('\n')
}

function stateText(vm: VmSummary, say: Say): string {
  if (vm.broken) return say(msg('cli.state.broken', { reason: vm.broken }))
  const state = say(msg(`state.${vm.state}`))
  const withDetail = (detail: string) => say(msg('cli.state.withDetail', { state, detail }))
  if (vm.state === 'crashed' && vm.lastStop?.detail) return withDetail(said(say, vm.lastStop.detailText, vm.lastStop.detail))
  if (vm.state === 'paused' && vm.pause?.detail) return withDetail(said(say, vm.pause.detailText, vm.pause.detail))
  return state
}

/** `name: state`, as the power commands answer. */
export function formatVmState(vm: VmSummary, say: Say = sayEnglish): string {
  return say(msg('cli.state.now', { name: vm.name, state: stateText(vm, say) }))
}

/** Columns as a terminal shows them: a CJK character takes two. */
function width(text: string): number {
  let n = 0
  for (const c of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1
  return n
}

export function formatVmList(vms: VmSummary[], say: Say = sayEnglish): string {
  if (vms.length === 0) return say(msg('cli.list.empty'))
  const rows = vms.map((vm) => [vm.id, vm.name, stateText(vm, say), vm.accelInUse ?? vm.accel, `${vm.memoryMiB} MiB`, say(msg('cli.list.vcpus', { count: vm.cpus }))])
  const header = (['id', 'name', 'state', 'accel', 'memory', 'cpus'] as const).map((h) => say(msg(`cli.list.${h}`)))
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  return [header, ...rows]
    .map((r) => r.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)))).join('  ').trimEnd())
    .join('\n')
}

export function formatVm(vm: VmDetails, say: Say = sayEnglish): string {
  const lines = [
    `${vm.name} (${vm.id})`,
    say(msg('cli.info.state', { state: stateText(vm, say) })),
    say(msg('cli.info.os', { os: vm.os?.name ?? msg('cli.info.unknownOs') })),
    say(msg('cli.info.hardware', { memory: vm.memoryMiB, cpus: vm.cpus, firmware: vm.firmware, accel: vm.accelInUse ?? vm.accel })),
    say(msg('cli.info.cdrom', { cdrom: vm.cdrom ?? msg('cli.info.emptyCdrom') })),
    say(msg('cli.info.folder', { path: vm.dir })),
    ...vm.disks.flatMap((d) => [
      say(
        d.virtualBytes
          ? msg('cli.info.diskSized', { path: d.path, format: d.format, bus: d.bus, size: (d.virtualBytes / 2 ** 30).toFixed(2) })
          : msg('cli.info.disk', { path: d.path, format: d.format, bus: d.bus }),
      ),
      ...(d.backingFiles ?? []).map((b) => say(msg('cli.info.backingFile', { path: b }))),
    ]),
  ]
  if (vm.guestAgent?.connected) {
    lines.push(say(msg('cli.info.agent', { os: vm.guestAgent.os ?? msg('cli.info.unknownOs') })))
    lines.push(say(msg('cli.info.agentIps', { ips: vm.guestAgent.ipAddresses.join(', ') || msg('cli.info.noIps') })))
  } else if (vm.guestAgent) lines.push(say(msg('cli.info.noAgent')))
  if (vm.lastStop) lines.push(say(msg('cli.info.stopped', { reason: msg(`stopReason.${vm.lastStop.reason}`), at: vm.lastStop.at })))
  for (const l of vm.lastStop?.stderrTail ?? []) lines.push(`            ${l}`)
  if (vm.launchProblems.length > 0) lines.push('', say(msg('cli.info.cannotStart')))
  for (const p of vm.launchProblems) {
    lines.push(`  ✗ ${said(say, p.messageText, p.message)}`, ...(p.hint ? [`    → ${said(say, p.hintText, p.hint)}`] : []))
  }
  if (vm.argv) lines.push('', formatCommandLine(vm.argv))
  return lines.join('\n')
}

export function formatSnapshots(snapshots: VmSnapshot[]): string {
  if (snapshots.length === 0) return 'No snapshots. Take one with: vireo snapshot take VM NAME'
  return snapshots
    .map((s) => `${s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${s.tpmState ? 'disks+memory+TPM' : s.vmStateBytes > 0 ? 'disks+memory    ' : 'disks only      '}  ${s.name}`)
    .join('\n')
}
