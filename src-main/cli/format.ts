import type { HostReport, VmDetails, VmSnapshot, VmSummary } from '../api/types'
import { formatCommandLine } from '../core/exec'

const mark = { ok: '✓', warning: '!', error: '✗' } as const

export function formatHost(report: HostReport): string {
  const lines = [
    `Accelerator: ${report.accel.toUpperCase()} — ${report.accelReason}`,
    `QEMU: ${report.qemu ? `${report.qemu.version} (${report.qemu.path})` : 'not found'}`,
    `qemu-img: ${report.qemuImg ? `${report.qemuImg.version} (${report.qemuImg.path})` : 'not found'}`,
    `Memory: ${report.memory.availableMiB} MiB free of ${report.memory.totalMiB} MiB; ${report.cpus} cores`,
    `Disk: ${(report.disk.freeBytes / 2 ** 30).toFixed(1)} GiB free at ${report.disk.path}`,
    '',
  ]
  for (const item of report.items) {
    lines.push(`${mark[item.status]} ${item.title}`)
    if (item.status !== 'ok') lines.push(`    ${item.detail}`)
    if (item.fix && item.status !== 'ok') lines.push(`    → ${item.fix}`)
  }
  lines.push('', report.ok ? 'This machine can run VMs.' : 'This machine cannot run VMs yet; see the fixes above.')
  return lines.join('\n')
}

function stateText(vm: VmSummary): string {
  if (vm.broken) return `broken: ${vm.broken}`
  if (vm.state === 'crashed') return `crashed${vm.lastStop?.detail ? ` (${vm.lastStop.detail})` : ''}`
  if (vm.state === 'paused' && vm.pause?.detail) return `paused (${vm.pause.detail})`
  return vm.state
}

export function formatVmList(vms: VmSummary[]): string {
  if (vms.length === 0) return 'No VMs yet. Create one with: vireo create --name NAME --iso PATH'
  const rows = vms.map((vm) => [vm.id, vm.name, stateText(vm), vm.accelInUse ?? vm.accel, `${vm.memoryMiB} MiB`, `${vm.cpus} vCPU`])
  const header = ['ID', 'NAME', 'STATE', 'ACCEL', 'MEMORY', 'CPUS']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')
}

export function formatVm(vm: VmDetails): string {
  const lines = [
    `${vm.name} (${vm.id})`,
    `  state:    ${stateText(vm)}`,
    `  os:       ${vm.os?.name ?? 'unknown'}`,
    `  memory:   ${vm.memoryMiB} MiB, ${vm.cpus} vCPUs, firmware ${vm.firmware}, accel ${vm.accelInUse ?? vm.accel}`,
    `  cdrom:    ${vm.cdrom ?? '(empty)'}`,
    `  folder:   ${vm.dir}`,
    ...vm.disks.flatMap((d) => [
      `  disk:     ${d.path} (${d.format}, ${d.bus}${d.virtualBytes ? `, ${(d.virtualBytes / 2 ** 30).toFixed(2)} GiB` : ''})`,
      ...(d.backingFiles ?? []).map((b) => `            backing file: ${b}`),
    ]),
  ]
  if (vm.lastStop) lines.push(`  stopped:  ${vm.lastStop.reason} at ${vm.lastStop.at}`)
  for (const l of vm.lastStop?.stderrTail ?? []) lines.push(`            ${l}`)
  if (vm.launchProblems.length > 0) lines.push('', 'This VM cannot start now:')
  for (const p of vm.launchProblems) lines.push(`  ✗ ${p.message}`, ...(p.hint ? [`    → ${p.hint}`] : []))
  if (vm.argv) lines.push('', formatCommandLine(vm.argv))
  return lines.join('\n')
}

export function formatSnapshots(snapshots: VmSnapshot[]): string {
  if (snapshots.length === 0) return 'No snapshots. Take one with: vireo snapshot take VM NAME'
  return snapshots
    .map((s) => `${s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${s.vmStateBytes > 0 ? 'disks+memory' : 'disks only  '}  ${s.name}`)
    .join('\n')
}
