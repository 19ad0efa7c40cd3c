import { english, msg, type Message, type MessageParam } from '../errors'
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
  probe: { usable: boolean; reason: string; reasonText?: Message } | null
  cpuFlags: string[]
  modules: string[]
  uefi: UefiFirmware | null
  /** OVMF for Secure Boot (host-facts.ts); none when not looked for. */
  secureBoot?: UefiFirmware | null
  /** swtpm's path; none when not installed (or not looked for). */
  swtpm?: string | null
  memory: { totalMiB: number; availableMiB: number }
  cpus: number
  disk: { path: string; freeBytes: number }
}

const LOW_MEMORY_MIB = 1024
const LOW_DISK_BYTES = 10 * 1024 ** 3

/** An item said as messages, with its English text beside them (for programs and logs). */
function checkItem(id: string, status: HostCheckItem['status'], title: Message, detail: Message, fix?: Message): HostCheckItem {
  return {
    id,
    status,
    title: english(title),
    detail: english(detail),
    ...(fix === undefined ? {} : { fix: english(fix) }),
    titleText: title,
    detailText: detail,
    ...(fix === undefined ? {} : { fixText: fix }),
  }
}

export function buildHostReport(o: HostObservations): HostReport {
  const kvm = kvmVerdict(o)
  const usable = kvm.report.usable
  const items: HostCheckItem[] = [
    programItem('qemu', 'QEMU', 'qemu-system-x86_64', o.qemu, msg('host.program.purpose.qemu')),
    programItem('qemu-img', 'qemu-img', 'qemu-img', o.qemuImg, msg('host.program.purpose.qemuImg')),
    kvm.item,
    firmwareItem(o.uefi),
    memoryItem(o.memory),
    checkItem('cpus', 'ok', msg('host.cpus', { count: o.cpus }), msg('host.cpusDetail', { count: o.cpus })),
    diskItem(o.disk),
    secureBootItem(o.secureBoot ?? null),
    swtpmItem(o.swtpm ?? null),
  ]
  const accelReason = usable
    ? msg('host.accel.kvm', { reason: o.probe?.reasonText ?? o.probe?.reason ?? msg('host.accel.tested') })
    : msg('host.accel.tcg', { reason: kvm.reasonText, tcg: msg('host.tcg') })
  return {
    ok: o.qemu.status === 'found' && o.qemuImg.status === 'found',
    accel: usable ? 'kvm' : 'tcg',
    accelReason: english(accelReason),
    accelReasonText: accelReason,
    kvm: kvm.report,
    qemu: o.qemu.status === 'found' ? o.qemu.info : null,
    qemuImg: o.qemuImg.status === 'found' ? o.qemuImg.info : null,
    firmware: { uefi: o.uefi, secureBoot: o.secureBoot ?? null },
    tpm: { swtpm: o.swtpm ?? null },
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
  purpose: Message,
): HostCheckItem {
  switch (lookup.status) {
    case 'found':
      return checkItem(id, 'ok', msg('host.program.found', { label, version: lookup.info.version }), msg('host.program.path', { path: lookup.info.path }))
    case 'missing':
      return checkItem(
        id,
        'error',
        msg('host.program.missing', { label }),
        msg('host.program.missingDetail', { program, purpose }),
        installHint(program),
      )
    case 'broken':
      return checkItem(
        id,
        'error',
        msg('host.program.broken', { label }),
        msg('host.program.brokenDetail', { path: lookup.path, reason: lookup.message }),
        msg('host.program.reinstall', { install: installHint(program) }),
      )
  }
}

interface KvmVerdict {
  report: KvmReport
  reasonText: Message
  item: HostCheckItem
}

function kvmVerdict(o: HostObservations): KvmVerdict {
  const dev = o.kvmDevice
  const facts = msg('host.kvm.facts', {
    flags: o.cpuFlags.join(', ') || msg('host.kvm.noFlags'),
    modules: o.modules.join(', ') || msg('host.kvm.noModules'),
  })
  const report = (usable: boolean, reason: Message): KvmReport => ({
    present: dev.present,
    permitted: dev.permitted,
    usable,
    reason: english(reason),
    cpuFlags: o.cpuFlags,
    modules: o.modules,
  })
  // The reason reads "title: cause"; the item shows the title once, then the cause (as a
  // sentence: `sentence`, where the cause's first word needs a capital).
  const warning = (title: Message, cause: MessageParam, fix: Message, sentence: MessageParam = cause): KvmVerdict => {
    const reason = msg('host.kvm.reason', { title, cause })
    return {
      report: report(false, reason),
      reasonText: reason,
      item: checkItem('kvm', 'warning', title, msg('host.kvm.warningDetail', { cause: sentence, facts }), fix),
    }
  }
  const notAvailable = msg('host.kvm.notAvailable')
  const moduleName = o.cpuFlags.includes('svm') ? 'kvm_amd' : 'kvm_intel'
  const modprobe: MessageParam = o.cpuFlags.length > 0 ? `sudo modprobe ${moduleName}` : msg('host.kvm.fix.modprobeEither')
  const loadModule = msg('host.kvm.fix.loadModule', { modprobe })

  // /dev/kvm appears when a vendor module (kvm_intel, kvm_amd) loads; `kvm` alone is not enough.
  const vendorModule = o.modules.some((m) => m === 'kvm_intel' || m === 'kvm_amd')
  if (!dev.present) {
    if (o.cpuFlags.length === 0 && !vendorModule) {
      return warning(notAvailable, msg('host.kvm.cause.noDeviceNoFlags'), msg('host.kvm.fix.firmware'))
    }
    if (!vendorModule) return warning(notAvailable, msg('host.kvm.cause.noModule'), loadModule)
    return warning(notAvailable, msg('host.kvm.cause.noDeviceWithModules'), msg('host.kvm.fix.reboot'))
  }

  if (!dev.permitted) {
    if (dev.error === 'EACCES' || dev.error === 'EPERM') {
      const group = dev.group !== null && dev.group !== 'root' ? dev.group : 'kvm'
      const fix =
        dev.userInGroup && !dev.sessionHasGroup
          ? msg('host.kvm.fix.relogin', { group })
          : msg('host.kvm.fix.addGroup', { group })
      return warning(msg('host.kvm.noPermission'), msg('host.kvm.cause.denied'), fix, msg('host.kvm.cause.deniedSentence'))
    }
    if (dev.error === 'ENXIO' || dev.error === 'ENODEV') {
      return warning(notAvailable, msg('host.kvm.cause.noDriver'), loadModule)
    }
    return warning(
      notAvailable,
      msg('host.kvm.cause.openFailed', { error: dev.error ?? msg('host.kvm.cause.unknownError') }),
      msg('host.kvm.fix.dmesg'),
    )
  }

  if (o.probe === null) {
    return warning(msg('host.kvm.notTested'), msg('host.kvm.cause.noQemu'), installHint('qemu-system-x86_64'))
  }
  if (!o.probe.usable) {
    const cause = o.probe.reason
    const sentence = `${cause.charAt(0).toUpperCase()}${cause.slice(1)}`
    // The probe's reason is a clause; as the detail's first sentence it gets a lead-in.
    const text = o.probe.reasonText
    return warning(msg('host.kvm.notUsable'), text ?? cause, msg('host.kvm.fix.nested'), text === undefined ? sentence : msg('host.kvm.probeSentence', { reason: text }))
  }
  const works = msg('host.kvm.works')
  return {
    report: report(true, works),
    reasonText: works,
    item: checkItem('kvm', 'ok', works, msg('host.kvm.worksDetail', { reason: o.probe.reasonText ?? o.probe.reason, facts })),
  }
}

function secureBootItem(firmware: UefiFirmware | null): HostCheckItem {
  if (firmware !== null) return checkItem('secure-boot', 'ok', msg('host.secureBoot.found'), msg('host.program.path', { path: firmware.code }))
  return checkItem('secure-boot', 'warning', msg('host.secureBoot.missing'), msg('host.secureBoot.missingDetail'), installHint('ovmf'))
}

function swtpmItem(path: string | null): HostCheckItem {
  if (path !== null) return checkItem('swtpm', 'ok', msg('host.swtpm.found'), msg('host.program.path', { path }))
  return checkItem('swtpm', 'warning', msg('host.swtpm.missing'), msg('host.swtpm.missingDetail'), installHint('swtpm'))
}

function firmwareItem(uefi: UefiFirmware | null): HostCheckItem {
  if (uefi !== null) return checkItem('firmware', 'ok', msg('host.firmware.found'), msg('host.program.path', { path: uefi.code }))
  return checkItem('firmware', 'warning', msg('host.firmware.missing'), msg('host.firmware.missingDetail'), installHint('ovmf'))
}

function memoryItem(memory: { totalMiB: number; availableMiB: number }): HostCheckItem {
  const total = formatSize(memory.totalMiB * 1024 ** 2)
  const figures = msg('host.memory.figures', { available: formatSize(memory.availableMiB * 1024 ** 2), total })
  if (memory.availableMiB < LOW_MEMORY_MIB) {
    return checkItem('memory', 'warning', msg('host.memory.low'), figures, msg('host.memory.lowFix'))
  }
  return checkItem('memory', 'ok', msg('host.memory.ok', { total }), figures)
}

function diskItem(disk: { path: string; freeBytes: number }): HostCheckItem {
  const free = formatSize(disk.freeBytes)
  const detail = msg('host.disk.detail', { free, path: disk.path })
  if (disk.freeBytes < LOW_DISK_BYTES) {
    return checkItem('disk', 'warning', msg('host.disk.low'), detail, msg('host.disk.lowFix'))
  }
  return checkItem('disk', 'ok', msg('host.disk.ok', { free }), detail)
}
