import { english, msg, type Message } from '../errors'
import type { HostCheckItem } from '../host/types'
import type { HostReport } from '../types'

/**
 * The host check of a libvirt connection, in the shape of Vireo's own (host/types.ts): what
 * libvirt says of its host (`nodeinfo`, `version`, `nodememstats`, and whether `domcapabilities
 * --virttype kvm` answers). What only matters for QEMU spawned by Vireo is left empty.
 */
export async function libvirtHostReport(call: (args: string[]) => Promise<string>): Promise<HostReport> {
  const [nodeinfo, version, mem, kvm] = await Promise.all([
    call(['nodeinfo']),
    call(['version']),
    call(['nodememstats']).catch(() => ''),
    call(['domcapabilities', '--virttype', 'kvm']).then(() => true, () => false),
  ])
  const field = (text: string, name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'mi').exec(text)?.[1]?.trim() ?? ''
  const kib = (text: string): number => Math.round(Number(/(\d+)/.exec(text)?.[1] ?? '0') / 1024)
  const cpus = Number(field(nodeinfo, 'CPU\\(s\\)')) || 0
  const totalMiB = kib(field(nodeinfo, 'Memory size'))
  const availableMiB = mem === '' ? totalMiB : kib(field(mem, 'free')) + kib(field(mem, 'cached')) + kib(field(mem, 'buffers'))
  const hypervisor = field(version, 'Running hypervisor')
  const library = field(version, 'Using library')
  const accel = kvm ? 'kvm' : 'tcg'
  const accelReason = msg(kvm ? 'host.libvirt.accelKvm' : 'host.libvirt.accelTcg')
  const item = (id: string, status: HostCheckItem['status'], title: Message, detail: Message): HostCheckItem => ({
    id,
    status,
    title: english(title),
    detail: english(detail),
    titleText: title,
    detailText: detail,
  })
  return {
    ok: hypervisor !== '',
    accel,
    accelReason: english(accelReason),
    accelReasonText: accelReason,
    kvm: { present: kvm, permitted: kvm, usable: kvm, reason: english(msg(kvm ? 'host.libvirt.kvmYes' : 'host.libvirt.kvmNo')), cpuFlags: [], modules: [] },
    qemu: hypervisor === '' ? null : { path: 'libvirt', version: hypervisor },
    qemuImg: null,
    firmware: { uefi: null, secureBoot: null },
    tpm: { swtpm: null },
    memory: { totalMiB, availableMiB },
    cpus,
    disk: { path: '', freeBytes: 0 },
    items: [
      item(
        'libvirt',
        'ok',
        msg('host.libvirt.title'),
        msg('host.libvirt.detail', { library, hypervisor: hypervisor === '' ? msg('host.libvirt.noHypervisor') : hypervisor }),
      ),
      item('kvm', kvm ? 'ok' : 'warning', msg('host.libvirt.kvmTitle'), msg(kvm ? 'host.libvirt.kvmAvailable' : 'host.libvirt.kvmMissing')),
    ],
  }
}
