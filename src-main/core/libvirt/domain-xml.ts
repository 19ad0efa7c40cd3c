import type { VmConfig } from '../vms/config'

/**
 * The libvirt domain XML of a Vireo VM config: a pure function (golden files beside it), so
 * what a libvirt connection defines is reviewed as text, as virtinst's tests do. Defaults are
 * Vireo's own (design.md, Defaults): q35, host CPU under KVM or `maximum` under TCG, virtio
 * disks with an explicit format, the CD on SATA, a USB tablet, standard VGA, virtio-rng.
 * The console is VNC on a UNIX socket libvirt chooses (or 127.0.0.1 only), never the network,
 * and never a password.
 */
export interface DomainXmlOptions {
  /** `kvm` where the host has KVM, else `qemu` (TCG). */
  type: 'kvm' | 'qemu'
  /** The UUID of the domain (libvirt's name for it across renames). */
  uuid: string
  /** Each disk's absolute path on the connection's host, in `config.disks` order (in its pool). */
  diskPaths: readonly string[]
  /** The libvirt network to attach (the connection's default), or null for user networking. */
  network: string | null
  /** Where VNC listens: a UNIX socket libvirt places (default), or a port on 127.0.0.1. */
  vnc?: 'socket' | 'loopback'
}

/** XML text and attribute escaping (names are any Unicode text a person typed). */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** A libvirt domain name from a VM name: libvirt refuses `/` in names. */
export function domainName(name: string): string {
  return name.replace(/\//g, '-')
}

const BUS_PREFIX: Record<string, string> = { virtio: 'vd', sata: 'sd', ide: 'hd' }

function targetDev(bus: string, index: number): string {
  return `${BUS_PREFIX[bus] ?? 'vd'}${String.fromCharCode(97 + index)}`
}

export function buildDomainXml(config: VmConfig, options: DomainXmlOptions): string {
  if (options.diskPaths.length !== config.disks.length) {
    throw new Error(`buildDomainXml: ${config.disks.length} disks but ${options.diskPaths.length} paths`)
  }
  const e = xmlEscape
  const bootOf = (device: 'disk' | 'cdrom'): string => {
    const at = config.bootOrder.indexOf(device)
    return at < 0 ? '' : `\n      <boot order='${at + 1}'/>`
  }
  const lines: string[] = []
  lines.push(`<domain type='${options.type}'>`)
  lines.push(`  <name>${e(domainName(config.name))}</name>`)
  lines.push(`  <uuid>${e(options.uuid)}</uuid>`)
  lines.push(`  <title>${e(config.name)}</title>`)
  lines.push('  <metadata>')
  lines.push(`    <vireo:vm xmlns:vireo='https://vireo.invalid/xmlns/libvirt/1'>`)
  if (config.os !== undefined) lines.push(`      <vireo:os id='${e(config.os.id)}' name='${e(config.os.name)}'/>`)
  lines.push(`      <vireo:created>${e(config.createdAt)}</vireo:created>`)
  lines.push('    </vireo:vm>')
  lines.push('  </metadata>')
  lines.push(`  <memory unit='MiB'>${config.memoryMiB}</memory>`)
  lines.push(`  <currentMemory unit='MiB'>${config.memoryMiB}</currentMemory>`)
  lines.push(`  <vcpu placement='static'>${config.cpus}</vcpu>`)
  lines.push(config.firmware === 'uefi' ? `  <os firmware='efi'>` : '  <os>')
  lines.push(`    <type arch='x86_64' machine='q35'>hvm</type>`)
  lines.push('  </os>')
  lines.push('  <features>')
  lines.push('    <acpi/>')
  lines.push('    <apic/>')
  lines.push('  </features>')
  lines.push(options.type === 'kvm' ? `  <cpu mode='host-passthrough'/>` : `  <cpu mode='maximum'/>`)
  lines.push(`  <clock offset='utc'/>`)
  lines.push('  <on_poweroff>destroy</on_poweroff>')
  lines.push('  <on_reboot>restart</on_reboot>')
  lines.push('  <on_crash>destroy</on_crash>')
  lines.push('  <devices>')
  let diskBoot = bootOf('disk')
  const perBus = new Map<string, number>()
  const next = (bus: string): number => {
    const n = perBus.get(bus) ?? 0
    perBus.set(bus, n + 1)
    return n
  }
  config.disks.forEach((disk, index) => {
    const path = options.diskPaths[index] ?? ''
    lines.push(`    <disk type='file' device='disk'>`)
    lines.push(`      <driver name='qemu' type='${disk.format}' discard='unmap'/>`)
    lines.push(`      <source file='${e(path)}'/>`)
    lines.push(`      <target dev='${targetDev(disk.bus, next(disk.bus))}' bus='${disk.bus}'/>${diskBoot}`)
    lines.push('    </disk>')
    diskBoot = '' // the first disk boots; the others follow it
  })
  lines.push(`    <disk type='file' device='cdrom'>`)
  lines.push(`      <driver name='qemu' type='raw'/>`)
  if (config.cdrom !== null) lines.push(`      <source file='${e(config.cdrom)}'/>`)
  lines.push(`      <target dev='${targetDev('sata', next('sata'))}' bus='sata'/>`)
  lines.push(`      <readonly/>${bootOf('cdrom')}`)
  lines.push('    </disk>')
  if (config.network.mode === 'user') {
    if (options.network !== null) {
      lines.push(`    <interface type='network'>`)
      lines.push(`      <source network='${e(options.network)}'/>`)
    } else {
      lines.push(`    <interface type='user'>`)
    }
    lines.push(`      <model type='virtio'/>`)
    lines.push('    </interface>')
  }
  lines.push(`    <input type='tablet' bus='usb'/>`)
  if (options.vnc === 'loopback') {
    lines.push(`    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>`)
    lines.push(`      <listen type='address' address='127.0.0.1'/>`)
  } else {
    lines.push(`    <graphics type='vnc'>`)
    lines.push(`      <listen type='socket'/>`)
  }
  lines.push('    </graphics>')
  lines.push('    <video>')
  lines.push(`      <model type='vga'/>`)
  lines.push('    </video>')
  lines.push(`    <rng model='virtio'>`)
  lines.push(`      <backend model='random'>/dev/urandom</backend>`)
  lines.push('    </rng>')
  lines.push('  </devices>')
  lines.push('</domain>')
  return lines.join('\n') + '\n'
}

/**
 * A domain's XML (`dumpxml --inactive`, any domain's) with new memory and vCPUs: the
 * `<memory>`, `<currentMemory>` and `<vcpu>` elements rewritten, everything else as it was.
 * (The `<vcpu>` count only; a `current=` below it would exceed the new maximum, so it goes.)
 */
export function withResources(xml: string, changes: { memoryMiB?: number; cpus?: number }): string {
  let out = xml
  if (changes.memoryMiB !== undefined) {
    const mib = changes.memoryMiB
    out = out.replace(/<memory\b[^>]*>[^<]*<\/memory>/, `<memory unit='MiB'>${mib}</memory>`)
    out = out.replace(/<currentMemory\b[^>]*>[^<]*<\/currentMemory>/, `<currentMemory unit='MiB'>${mib}</currentMemory>`)
  }
  if (changes.cpus !== undefined) {
    const cpus = changes.cpus
    out = out.replace(/<vcpu\b([^>]*)>[^<]*<\/vcpu>/, (_all, attrs: string) => `<vcpu${attrs.replace(/\s+current=(['"])[^'"]*\1/, '')}>${cpus}</vcpu>`)
  }
  return out
}

/**
 * A stopped domain's XML for a full copy: its new name and UUID, each disk's new path, no MAC
 * addresses (libvirt gives new ones), no NVRAM path (libvirt makes a fresh store from the
 * template) and no title (the new name is its name).
 */
export function cloneDomainXml(xml: string, clone: { name: string; uuid: string; title: string; diskPaths: ReadonlyMap<string, string> }): string {
  let out = xml
    .replace(/<name>[^<]*<\/name>/, `<name>${xmlEscape(domainName(clone.name))}</name>`)
    .replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${xmlEscape(clone.uuid)}</uuid>`)
    .replace(/\s*<mac address=(['"])[^'"]*\1\s*\/>/g, '')
    .replace(/\s*<nvram\b[^>]*(\/>|>[^<]*<\/nvram>)/g, '')
  out = /<title>[^<]*<\/title>/.test(out)
    ? out.replace(/<title>[^<]*<\/title>/, `<title>${xmlEscape(clone.title)}</title>`)
    : out.replace(/(<uuid>[^<]*<\/uuid>)/, `$1\n  <title>${xmlEscape(clone.title)}</title>`)
  return withDiskPaths(out, clone.diskPaths)
}

/** A domain's XML with its disks' files moved (old path → new path), and no NVRAM path (a fresh one there). */
export function withDiskPaths(xml: string, paths: ReadonlyMap<string, string>): string {
  let out = xml.replace(/\s*<nvram\b[^>]*(\/>|>[^<]*<\/nvram>)/g, '')
  for (const [from, to] of paths) {
    out = out.split(`file='${xmlEscape(from)}'`).join(`file='${xmlEscape(to)}'`)
    out = out.split(`file="${xmlEscape(from)}"`).join(`file="${xmlEscape(to)}"`)
  }
  return out
}
