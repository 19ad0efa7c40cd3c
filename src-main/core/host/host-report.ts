import { installHint } from '../exec'
import { formatSize } from '../images/size'
import type { KvmDevice } from './host-facts'
import type { HostCheckItem, HostReport, KvmReport, ProgramInfo, UefiFirmware } from './types'

/**
 * Turns what was observed on the host into the report a user reads: a verdict on each part,
 * with what to do where something is missing. A pure function, so every case (QEMU missing,
 * /dev/kvm forbidden, KVM broken) is tested without needing a machine in that state.
 */

export type ProgramLookup =
  | { status: 'found'; info: ProgramInfo }
  | { status: 'missing' }
  | { status: 'broken'; path: string; message: string }

export interface HostObservations {
  qemu: ProgramLookup
  qemuImg: ProgramLookup
  kvmDevice: KvmDevice
  /** The functional KVM probe; null when it could not run (no /dev/kvm, no permission, no QEMU). */
  probe: { usable: boolean; reason: string } | null
  cpuFlags: string[]
  modules: string[]
  uefi: UefiFirmware | null
  memory: { totalMiB: number; availableMiB: number }
  cpus: number
  disk: { path: string; freeBytes: number }
}

const TCG = 'Using TCG (software emulation, slower).'
const LOW_MEMORY_MIB = 1024
const LOW_DISK_BYTES = 10 * 1024 ** 3

export function buildHostReport(o: HostObservations): HostReport {
  const kvm = kvmVerdict(o)
  const usable = kvm.report.usable
  const items: HostCheckItem[] = [
    programItem('qemu', 'QEMU', 'qemu-system-x86_64', o.qemu, 'run VMs'),
    programItem('qemu-img', 'qemu-img', 'qemu-img', o.qemuImg, 'create or import disks'),
    kvm.item,
    firmwareItem(o.uefi),
    memoryItem(o.memory),
    {
      id: 'cpus',
      status: 'ok',
      title: `${o.cpus} CPU${o.cpus === 1 ? '' : 's'}`,
      detail: `VMs can have up to ${o.cpus} virtual CPUs.`,
    },
    diskItem(o.disk),
  ]
  return {
    ok: o.qemu.status === 'found' && o.qemuImg.status === 'found',
    accel: usable ? 'kvm' : 'tcg',
    accelReason: usable
      ? `KVM works (${o.probe?.reason ?? 'tested'}).`
      : `${kvm.report.reason}. ${TCG}`,
    kvm: kvm.report,
    qemu: o.qemu.status === 'found' ? o.qemu.info : null,
    qemuImg: o.qemuImg.status === 'found' ? o.qemuImg.info : null,
    firmware: { uefi: o.uefi },
    memory: o.memory,
    cpus: o.cpus,
    disk: o.disk,
    items,
  }
}

function programItem(
  id: string,
  label: string,
  program: string,
  lookup: ProgramLookup,
  purpose: string,
): HostCheckItem {
  switch (lookup.status) {
    case 'found':
      return {
        id,
        status: 'ok',
        title: `${label} ${lookup.info.version}`,
        detail: lookup.info.path,
      }
    case 'missing':
      return {
        id,
        status: 'error',
        title: `${label} is not installed`,
        detail: `${program} was not found on PATH; Vireo cannot ${purpose} without it.`,
        fix: installHint(program),
      }
    case 'broken':
      return {
        id,
        status: 'error',
        title: `${label} does not work`,
        detail: `${lookup.path} is there but failed to run: ${lookup.message}`,
        fix: `Reinstall it. ${installHint(program)}`,
      }
  }
}

interface KvmVerdict {
  report: KvmReport
  item: HostCheckItem
}

function kvmVerdict(o: HostObservations): KvmVerdict {
  const dev = o.kvmDevice
  const facts = `CPU virtualisation flags: ${o.cpuFlags.join(', ') || 'none shown'}; KVM modules: ${o.modules.join(', ') || 'none listed'}.`
  const report = (usable: boolean, reason: string): KvmReport => ({
    present: dev.present,
    permitted: dev.permitted,
    usable,
    reason,
    cpuFlags: o.cpuFlags,
    modules: o.modules,
  })
  // The reason reads "title: cause"; the item shows the title once, then the cause.
  const warning = (title: string, cause: string, fix: string): KvmVerdict => ({
    report: report(false, `${title}: ${cause}`),
    item: {
      id: 'kvm',
      status: 'warning',
      title,
      detail: `${cause.charAt(0).toUpperCase()}${cause.slice(1)}. VMs run with TCG, QEMU's software emulation: they work, but many times slower. ${facts}`,
      fix,
    },
  })
  const moduleName = o.cpuFlags.includes('svm') ? 'kvm_amd' : 'kvm_intel'
  const modprobe =
    o.cpuFlags.length > 0
      ? `sudo modprobe ${moduleName}`
      : 'sudo modprobe kvm_intel (Intel) or sudo modprobe kvm_amd (AMD)'

  // /dev/kvm appears when a vendor module (kvm_intel, kvm_amd) loads; `kvm` alone is not enough.
  const vendorModule = o.modules.some((m) => m === 'kvm_intel' || m === 'kvm_amd')
  if (!dev.present) {
    if (o.cpuFlags.length === 0 && !vendorModule) {
      return warning(
        'KVM is not available',
        '/dev/kvm does not exist and the CPU shows no hardware virtualisation (VT-x/AMD-V)',
        'Turn on Intel VT-x or AMD-V (SVM) in the computer’s firmware (BIOS/UEFI) setup. Inside a VM, enable nested virtualisation on the outer host.',
      )
    }
    if (!vendorModule) {
      return warning(
        'KVM is not available',
        '/dev/kvm does not exist (the kvm module is not loaded)',
        `Load the module: ${modprobe}. If that fails, turn on virtualisation in the firmware (BIOS/UEFI) setup.`,
      )
    }
    return warning(
      'KVM is not available',
      '/dev/kvm does not exist although KVM modules are loaded',
      'Reboot, or reinstall your distribution’s QEMU/KVM package so that /dev/kvm is created.',
    )
  }

  if (!dev.permitted) {
    if (dev.error === 'EACCES' || dev.error === 'EPERM') {
      const group = dev.group !== null && dev.group !== 'root' ? dev.group : 'kvm'
      const fix =
        dev.userInGroup && !dev.sessionHasGroup
          ? `You are already in group ${group}, but this login session started before that: log out and back in (or restart).`
          : `Add yourself to group ${group}: sudo usermod -aG ${group} $USER, then log out and back in.`
      return warning(
        'No permission to use KVM',
        'this user may not open /dev/kvm (permission denied)',
        fix,
      )
    }
    if (dev.error === 'ENXIO' || dev.error === 'ENODEV') {
      return warning(
        'KVM is not available',
        '/dev/kvm exists but no KVM driver is loaded',
        `Load the module: ${modprobe}. If that fails, turn on virtualisation in the firmware (BIOS/UEFI) setup.`,
      )
    }
    return warning(
      'KVM is not available',
      `/dev/kvm could not be opened (${dev.error ?? 'unknown error'})`,
      'Check /dev/kvm and the kernel log (sudo dmesg | grep -i kvm).',
    )
  }

  if (o.probe === null) {
    return warning('KVM not tested', 'QEMU is not installed', installHint('qemu-system-x86_64'))
  }
  if (!o.probe.usable) {
    return warning(
      'KVM is present but not usable',
      o.probe.reason,
      'Inside a VM, nested virtualisation is not working: enable it fully on the outer host (with EPT/NPT), or keep using TCG. On real hardware, update the firmware and kernel. Then check again (“Check again” in the app, or vireo host check --refresh).',
    )
  }
  return {
    report: report(true, 'KVM works'),
    item: {
      id: 'kvm',
      status: 'ok',
      title: 'KVM works',
      detail: `/dev/kvm opens and ${o.probe.reason} under KVM. ${facts}`,
    },
  }
}

function firmwareItem(uefi: UefiFirmware | null): HostCheckItem {
  if (uefi !== null) {
    return { id: 'firmware', status: 'ok', title: 'UEFI firmware (OVMF) found', detail: uefi.code }
  }
  return {
    id: 'firmware',
    status: 'warning',
    title: 'UEFI firmware (OVMF) not found',
    detail: 'VMs can boot with BIOS, but a VM set to UEFI cannot start.',
    fix: installHint('ovmf'),
  }
}

function memoryItem(memory: { totalMiB: number; availableMiB: number }): HostCheckItem {
  const figures = `${formatSize(memory.availableMiB * 1024 ** 2)} of ${formatSize(memory.totalMiB * 1024 ** 2)} available.`
  if (memory.availableMiB < LOW_MEMORY_MIB) {
    return {
      id: 'memory',
      status: 'warning',
      title: 'Little free memory',
      detail: figures,
      fix: 'Close some programs, or give VMs less memory.',
    }
  }
  return {
    id: 'memory',
    status: 'ok',
    title: `${formatSize(memory.totalMiB * 1024 ** 2)} memory`,
    detail: figures,
  }
}

function diskItem(disk: { path: string; freeBytes: number }): HostCheckItem {
  const detail = `${formatSize(disk.freeBytes)} free at ${disk.path}.`
  if (disk.freeBytes < LOW_DISK_BYTES) {
    return {
      id: 'disk',
      status: 'warning',
      title: 'Little free disk space',
      detail,
      fix: 'Free some space, or set VIREO_HOME to a folder on a larger disk.',
    }
  }
  return {
    id: 'disk',
    status: 'ok',
    title: `${formatSize(disk.freeBytes)} free disk space`,
    detail,
  }
}
