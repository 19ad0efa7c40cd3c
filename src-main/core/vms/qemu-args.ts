import { isAbsolute, join } from 'node:path'
import { fnv1a } from '../hash'
import { qemuOptValue } from '../qemu-opt'
import type { DiskConfig, VmConfig } from './config'

/** Facts about this launch that are not part of the VM's definition. */
export interface LaunchContext {
  /** The VM's folder: disks given by file name live here, and so do its logs. */
  vmDir: string
  /** QMP for the front end that watches events (one long-lived connection). */
  qmpSocket: string
  /** QMP for short commands from any front end (the CLI, a second window). */
  ctlSocket: string
  vncSocket: string
  /** The QEMU guest agent's channel, a UNIX socket QEMU listens on. */
  agentSocket: string
  pidFile: string
  /** The accelerator actually used ('auto' already resolved by the host check). */
  accel: 'kvm' | 'tcg'
  /**
   * OVMF code (read-only) and this VM's own copy of the variable store, for UEFI guests;
   * `secure`: the Secure Boot build, which needs SMM and a flash only SMM code may write.
   */
  uefi?: { code: string; vars: string; secure?: boolean }
  /** swtpm's control socket, for a VM with a TPM 2.0. */
  tpmSocket?: string
  /** Whether this QEMU was built with seccomp (`-sandbox`). */
  sandbox: boolean
  /** Hyper-V enlightenments on -cpu (the launch plan sets it only for a KVM start). */
  hyperv?: boolean
}

/**
 * The Hyper-V enlightenments libvirt and virt-manager give a Windows guest under KVM: relaxed
 * timing, virtual APIC, spinlock retries, a reference clock and synthetic timers.
 */
export const HYPERV_FLAGS = [
  'hv_relaxed',
  'hv_vapic',
  'hv_spinlocks=0x1fff',
  'hv_vpindex',
  'hv_runtime',
  'hv_time',
  'hv_synic',
  'hv_stimer',
  'hv_frequencies',
  'hv_reset',
]

export const QEMU_BINARY = 'qemu-system-x86_64'

/** AHCI ports on q35's built-in controller (ich9-ahci): ide.0 … ide.5. */
const AHCI_PORTS = 6

/**
 * The QEMU command line for a VM: a pure function of its definition and the launch context.
 * No I/O. Every file name goes into an option value with its commas doubled, so a file named
 * `x.qcow2,file.locking=off` opens exactly that file.
 */
export function buildQemuArgs(config: VmConfig, ctx: LaunchContext): string[] {
  const sataDisks = config.disks.filter(onAhci).length
  const cdDrives = config.secondCdrom === null ? 1 : 2
  if (sataDisks + cdDrives > AHCI_PORTS) {
    throw new RangeError(`at most ${AHCI_PORTS - cdDrives} SATA disks fit beside the CD drives`)
  }
  return [
    ...identity(config, ctx),
    ...machine(config, ctx),
    ...firmware(ctx),
    ...tpm(ctx),
    ...disks(config, ctx.vmDir),
    ...cdrom(config, sataDisks),
    ...network(config),
    ...devices(config),
    ...control(config, ctx),
  ]
}

function identity(config: VmConfig, ctx: LaunchContext): string[] {
  return [
    '-name',
    `guest=${qemuOptValue(config.name)},debug-threads=on`,
    '-pidfile',
    ctx.pidFile,
    '-no-user-config',
    '-nodefaults',
    '-msg',
    'timestamp=on',
  ]
}

function machine(config: VmConfig, ctx: LaunchContext): string[] {
  return [
    '-machine',
    ctx.uefi?.secure === true ? 'q35,vmport=off,smm=on' : 'q35,vmport=off',
    '-accel',
    ctx.accel,
    // With working KVM, pass the host CPU through; under TCG a model TCG emulates in full.
    '-cpu',
    ctx.accel === 'kvm' ? ['host', ...(ctx.hyperv === true ? HYPERV_FLAGS : [])].join(',') : 'max',
    '-m',
    `${config.memoryMiB}M`,
    '-smp',
    String(config.cpus),
    '-rtc',
    `base=${config.rtc}`,
    // As libvirt does: no S3/S4 sleep states, which guests handle poorly under emulation.
    '-global',
    'ICH9-LPC.disable_s3=1',
    '-global',
    'ICH9-LPC.disable_s4=1',
  ]
}

function firmware(ctx: LaunchContext): string[] {
  if (ctx.uefi === undefined) return []
  return [
    ...(ctx.uefi.secure === true ? ['-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${qemuOptValue(ctx.uefi.code)}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${qemuOptValue(ctx.uefi.vars)}`,
  ]
}

/** A TPM 2.0 on q35's CRB interface (what Windows 11 and Linux expect), backed by swtpm. */
function tpm(ctx: LaunchContext): string[] {
  if (ctx.tpmSocket === undefined) return []
  return [
    '-chardev',
    `socket,id=chrtpm,path=${qemuOptValue(ctx.tpmSocket)}`,
    '-tpmdev',
    'emulator,id=tpm0,chardev=chrtpm',
    '-device',
    'tpm-crb,tpmdev=tpm0',
  ]
}

function bootIndex(config: VmConfig, device: 'disk' | 'cdrom'): string {
  const index = config.bootOrder.indexOf(device)
  return index < 0 ? '' : `,bootindex=${index + 1}`
}

export function diskPath(disk: DiskConfig, vmDir: string): string {
  return isAbsolute(disk.file) ? disk.file : join(vmDir, disk.file)
}

/** SATA (and the older ide name) disks sit on q35's AHCI controller beside the CD drives. */
function onAhci(disk: DiskConfig): boolean {
  return disk.bus === 'sata' || disk.bus === 'ide'
}

function diskDevice(disk: DiskConfig, id: string, boot: string, sataPort: number): string {
  switch (disk.bus) {
    case 'virtio':
      return `virtio-blk-pci,drive=${id},id=${id}-dev${boot}`
    case 'scsi':
      return `scsi-hd,drive=${id},id=${id}-dev,bus=scsi0.0${boot}`
    default:
      return `ide-hd,drive=${id},id=${id}-dev,bus=ide.${sataPort}${boot}`
  }
}

function disks(config: VmConfig, vmDir: string): string[] {
  // One virtio-scsi controller carries every SCSI disk.
  const args: string[] = config.disks.some((d) => d.bus === 'scsi') ? ['-device', 'virtio-scsi-pci,id=scsi0'] : []
  let sataPort = 0
  config.disks.forEach((disk, i) => {
    const id = `disk${i}`
    // Only the first disk is a boot candidate; the format is always explicit so that a
    // guest-written header is never re-probed as another format.
    const boot = i === 0 ? bootIndex(config, 'disk') : ''
    args.push(
      '-drive',
      [
        `file=${qemuOptValue(diskPath(disk, vmDir))}`,
        `format=${disk.format}`,
        'if=none',
        `id=${id}`,
        'cache=writeback',
        'aio=threads',
        'discard=unmap',
        'detect-zeroes=unmap',
        // A full host disk pauses the guest (BLOCK_IO_ERROR) instead of failing its writes.
        'werror=enospc',
        'rerror=report',
      ].join(','),
      '-device',
      diskDevice(disk, id, boot, onAhci(disk) ? sataPort++ : -1),
    )
  })
  return args
}

function cdrom(config: VmConfig, sataDisks: number): string[] {
  // The CD drive is always there, so media can be inserted into a running VM.
  const media = config.cdrom === null ? '' : `,file=${qemuOptValue(config.cdrom)},format=raw`
  const args = [
    '-drive',
    `if=none,id=cd0,media=cdrom,readonly=on${media}`,
    '-device',
    `ide-cd,drive=cd0,id=cd0-dev,bus=ide.${sataDisks}${bootIndex(config, 'cdrom')}`,
  ]
  // The second drive (drivers for the installer) is never a boot device.
  if (config.secondCdrom !== null) {
    args.push(
      '-drive',
      `if=none,id=cd1,media=cdrom,readonly=on,file=${qemuOptValue(config.secondCdrom)},format=raw`,
      '-device',
      `ide-cd,drive=cd1,id=cd1-dev,bus=ide.${sataDisks + 1}`,
    )
  }
  return args
}

function network(config: VmConfig): string[] {
  if (config.network.mode === 'none') return []
  const forwards = config.network.portForwards.map(
    // Forwarded ports listen on loopback only: the guest is not exposed to the network.
    (f) => `,hostfwd=${f.protocol}:127.0.0.1:${f.hostPort}-:${f.guestPort}`,
  )
  return [
    '-netdev',
    `user,id=net0${forwards.join('')}`,
    '-device',
    `${config.network.model === 'e1000e' ? 'e1000e' : 'virtio-net-pci'},netdev=net0,id=net0-dev,mac=${macAddress(config.id)}`,
  ]
}

function devices(config: VmConfig): string[] {
  return [
    // An absolute pointer: the guest's cursor follows the console's exactly.
    ...(config.tablet ? ['-device', 'qemu-xhci,id=usb', '-device', 'usb-tablet,bus=usb.0'] : []),
    // Standard VGA shows BIOS, boot loaders and text consoles; every guest drives it.
    '-device',
    'VGA,id=video0',
    '-object',
    'rng-random,id=rng0,filename=/dev/urandom',
    '-device',
    'virtio-rng-pci,rng=rng0',
    // A guest kernel that panics tells QEMU through pvpanic (port 0x505; Linux and Windows
    // drive it). Paused rather than shut down: the panic stays on the screen to be read,
    // and the list says the guest crashed.
    '-device',
    'pvpanic',
    '-action',
    'panic=pause',
  ]
}

function control(config: VmConfig, ctx: LaunchContext): string[] {
  const serialLog = join(ctx.vmDir, 'serial.log')
  return [
    '-chardev',
    `socket,id=qmp,path=${qemuOptValue(ctx.qmpSocket)},server=on,wait=off`,
    '-mon',
    'chardev=qmp,mode=control',
    '-chardev',
    `socket,id=ctl,path=${qemuOptValue(ctx.ctlSocket)},server=on,wait=off`,
    '-mon',
    'chardev=ctl,mode=control',
    // VNC on a UNIX socket in a private folder: nothing listens on TCP. Every console is
    // shared: a viewer that asks for exclusive access must not drop the others (another
    // window, the web UI beside the desktop app).
    '-vnc',
    `unix:${qemuOptValue(ctx.vncSocket)},share=force-shared`,
    '-chardev',
    `file,id=serial0,path=${qemuOptValue(serialLog)}`,
    '-serial',
    'chardev:serial0',
    // The QEMU guest agent's channel: a virtio-serial port the guest's qemu-ga opens, bridged
    // to a UNIX socket Vireo connects to (IP addresses, OS, clean shutdown, fsfreeze).
    '-device',
    'virtio-serial-pci,id=vserial0',
    '-chardev',
    `socket,id=agent0,path=${qemuOptValue(ctx.agentSocket)},server=on,wait=off`,
    '-device',
    'virtserialport,bus=vserial0.0,chardev=agent0,name=org.qemu.guest_agent.0',
    ...(ctx.sandbox
      ? ['-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny']
      : []),
    // Keep the guest's identity stable across runs (SMBIOS system UUID from the VM id).
    '-uuid',
    uuidFromId(config.id),
  ]
}

/** A locally administered MAC in QEMU's 52:54:00 range, stable for a VM id. */
export function macAddress(id: string): string {
  const h = fnv1a(id)
  const bytes = [(h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]
  return ['52', '54', '00', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':')
}

function uuidFromId(id: string): string {
  const hex = [0, 1, 2, 3]
    .map((salt) => fnv1a(`${salt}:${id}`).toString(16).padStart(8, '0'))
    .join('')
  // Version 8 (custom) UUID layout with the RFC 4122 variant bits.
  const v = `8${hex.slice(13, 16)}`
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${variant}-${hex.slice(20, 32)}`
}
