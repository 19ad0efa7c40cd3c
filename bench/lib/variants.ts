import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Accel } from './context'

/**
 * The command lines Vireo is measured against, written as a person would type them.
 *
 * (a) "naive": the tutorial line `qemu-system-x86_64 -m MiB DISK -cdrom ISO`: i440fx, the
 *     disk on IDE (format probed), e1000, the default CPU (qemu64), 1 vCPU.
 * (b) "libvirt": what virt-install/libvirt would set up for a modern Linux guest, as a bare
 *     QEMU line: q35, virtio-blk, virtio-net, the CD on q35's AHCI, `-cpu qemu64` (libvirt's
 *     pick under TCG; `host` under KVM), the same memory and vCPUs as Vireo's VM.
 *
 * Each gets only `-display none`, a serial port and the accelerator added; (c) is below.
 */
export interface BaselineOptions {
  accel: Accel
  memoryMiB: number
  cpus: number
  disk: string
  iso: string | null
  /** A second (data) disk, for the disk benchmark. */
  dataDisk?: string
  /** `-serial` value: `file:PATH` or `unix:PATH,server=on,wait=off`. */
  serial: string
}

export function naiveArgv(o: BaselineOptions): string[] {
  return [
    'qemu-system-x86_64',
    '-m', String(o.memoryMiB),
    o.disk,
    ...(o.dataDisk ? ['-hdb', o.dataDisk] : []),
    ...(o.iso ? ['-cdrom', o.iso] : []),
    '-accel', o.accel,
    '-display', 'none',
    '-serial', o.serial,
  ]
}

export function libvirtArgv(o: BaselineOptions): string[] {
  const disk = (file: string, id: string, boot: string) => [
    '-drive', `file=${file},format=qcow2,if=none,id=drive-${id}`,
    '-device', `virtio-blk-pci,drive=drive-${id},id=${id}${boot}`,
  ]
  return [
    'qemu-system-x86_64',
    '-machine', 'q35',
    '-accel', o.accel,
    '-cpu', o.accel === 'kvm' ? 'host' : 'qemu64',
    '-m', String(o.memoryMiB),
    '-smp', String(o.cpus),
    ...disk(o.disk, 'virtio-disk0', ',bootindex=1'),
    ...(o.dataDisk ? disk(o.dataDisk, 'virtio-disk1', '') : []),
    ...(o.iso ? ['-drive', `file=${o.iso},format=raw,if=none,id=drive-sata0-0-0,media=cdrom,readonly=on`, '-device', 'ide-cd,bus=ide.0,drive=drive-sata0-0-0,id=sata0-0-0,bootindex=2'] : []),
    '-netdev', 'user,id=hostnet0',
    '-device', 'virtio-net-pci,netdev=hostnet0,id=net0',
    '-display', 'none',
    '-serial', o.serial,
  ]
}

/**
 * (c) "quickemu": the devices quickemu (github.com/quickemu-project/quickemu) gives a Linux
 * guest, as far as they run headless here: q35 without SMM and vmport, a balloon, virtio-vga,
 * virtio-rng, an EHCI controller with a USB keyboard and tablet, virtio-net and virtio-blk.
 * Left out: its SPICE display with USB redirection and smartcard channels, and its audio, which
 * need a SPICE client and a sound server; its 9p share. Same CPU model rule as (b).
 */
export function quickemuArgv(o: BaselineOptions): string[] {
  return [
    'qemu-system-x86_64',
    '-machine', 'q35,smm=off,vmport=off',
    '-accel', o.accel,
    ...(o.accel === 'kvm' ? ['-global', 'kvm-pit.lost_tick_policy=discard'] : []),
    '-cpu', o.accel === 'kvm' ? 'host' : 'qemu64',
    '-smp', `cores=${o.cpus},threads=1,sockets=1`,
    '-m', `${o.memoryMiB}M`,
    '-device', 'virtio-balloon',
    '-rtc', 'base=utc,clock=host',
    '-vga', 'none',
    '-device', 'virtio-vga',
    '-device', 'virtio-rng-pci,rng=rng0',
    '-object', 'rng-random,id=rng0,filename=/dev/urandom',
    '-device', 'usb-ehci,id=input',
    '-device', 'usb-kbd,bus=input.0',
    '-device', 'usb-tablet,bus=input.0',
    '-device', 'virtio-net,netdev=nic',
    '-netdev', 'user,id=nic',
    '-device', 'virtio-blk-pci,drive=SystemDisk',
    '-drive', `id=SystemDisk,if=none,format=qcow2,file=${o.disk}`,
    ...(o.iso ? ['-drive', `media=cdrom,index=0,file=${o.iso}`] : []),
    '-display', 'none',
    '-serial', o.serial,
  ]
}

/** Vireo's argv with its serial chardev (a file) swapped for `chardev`'s options. */
export function withSerialChardev(argv: string[], chardev: string): string[] {
  const i = argv.findIndex((a) => a.startsWith('file,id=serial0,'))
  if (i < 0) throw new Error('Vireo argv has no serial0 file chardev')
  const out = [...argv]
  out[i] = `${chardev},id=serial0`
  return out
}

/** Vireo's argv with one option's value replaced (e.g. `-cpu`), for a diagnostic run. */
export function withOption(argv: string[], option: string, value: string): string[] {
  const i = argv.indexOf(option)
  if (i < 0) throw new Error(`argv has no ${option}`)
  const out = [...argv]
  out[i + 1] = value
  return out
}

/** Vireo's argv without an option and its value (every occurrence matching `valuePrefix`). */
export function withoutOption(argv: string[], option: string, valuePrefix: string): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === option && (argv[i + 1] ?? '').startsWith(valuePrefix)) {
      i++
      continue
    }
    out.push(argv[i]!)
  }
  return out
}

/** Vireo's argv puts its pidfile and sockets in the VM's runtime folder: make sure it exists. */
export async function ensureRuntimeDirOf(argv: string[]): Promise<void> {
  const pidFile = argv[argv.indexOf('-pidfile') + 1]
  if (argv.includes('-pidfile') && pidFile !== undefined) await mkdir(dirname(pidFile), { recursive: true, mode: 0o700 })
}
