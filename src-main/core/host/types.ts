/**
 * What the host check reports: the core's own declarations, which the API's types
 * (src-main/api/types.ts) re-export, so the core imports nothing from the API.
 */
import type { Message } from '../messages/message'

export type CheckStatus = 'ok' | 'warning' | 'error'

export interface HostCheckItem {
  /** Stable id for programs and tests: `qemu`, `qemu-img`, `kvm`, `firmware`, `disk`, … */
  id: string
  status: CheckStatus
  title: string
  detail: string
  /** What to do about it; absent when there is nothing to do. */
  fix?: string
  /** title, detail and fix as messages, for a front end to say in its user's language. */
  titleText: Message
  detailText: Message
  fixText?: Message
}

export interface KvmReport {
  /** /dev/kvm exists. */
  present: boolean
  /** This user can open /dev/kvm read-write. */
  permitted: boolean
  /** A test guest ran to completion under KVM. */
  usable: boolean
  reason: string
  /** `vmx` / `svm` where /proc/cpuinfo shows them (absent inside many VMs even when KVM works). */
  cpuFlags: string[]
  /** kvm, kvm_intel, kvm_amd: loaded (/proc/modules) or built in (/sys/module). */
  modules: string[]
}

export interface ProgramInfo {
  path: string
  version: string
}

export interface UefiFirmware {
  code: string
  vars: string
}

export interface HostReport {
  /** VMs can run: QEMU and qemu-img found, with KVM or TCG. */
  ok: boolean
  /** What Vireo uses for a VM whose accelerator is 'auto'. */
  accel: 'kvm' | 'tcg'
  accelReason: string
  accelReasonText: Message
  kvm: KvmReport
  qemu: ProgramInfo | null
  qemuImg: ProgramInfo | null
  firmware: { uefi: UefiFirmware | null; secureBoot: UefiFirmware | null }
  /** The TPM 2.0 emulator (swtpm) VMs with a TPM run beside QEMU. */
  tpm: { swtpm: string | null }
  memory: { totalMiB: number; availableMiB: number }
  cpus: number
  /** Free space where VMs are kept (or at its nearest existing parent). */
  disk: { path: string; freeBytes: number }
  items: HostCheckItem[]
}
