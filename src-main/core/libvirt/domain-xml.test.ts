import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectGolden } from '../testing/golden'
import { fedora } from '../testing/vm-configs'
import { vmConfigSchema } from '../vms/config'
import { parseDomainXml } from './domain-parse'
import { idOfUuid } from './domain-state'
import { buildDomainXml, cloneDomainXml, withResources } from './domain-xml'

// Domain XML goldens, as virtinst's tests keep theirs: a change to what a libvirt connection
// defines shows up in review as a diff.
const goldenDir = join(import.meta.dirname, 'golden')
const uuid = '5b0e5a4e-8f3c-4b8e-9d4f-2f1c0a9e7d11'

const hostile = vmConfigSchema.parse({
  version: 1,
  id: 'h0st1le00',
  name: `<Tom & "Jerry's"> / VM`,
  os: { id: 'debian12', name: 'Debian 12' },
  memoryMiB: 128,
  cpus: 1,
  firmware: 'uefi',
  disks: [
    { file: 'disk0.raw', format: 'raw', bus: 'sata' },
    { file: 'disk1.qcow2', format: 'qcow2', bus: 'virtio' },
  ],
  cdrom: null,
  bootOrder: ['cdrom', 'disk'],
  network: { mode: 'none', portForwards: [] },
  createdAt: '2026-01-01T00:00:00.000Z',
})

describe('buildDomainXml', () => {
  it('a Linux install under KVM on the default network, VNC on a socket', () => {
    const xml = buildDomainXml(fedora, {
      type: 'kvm',
      uuid,
      diskPaths: ['/var/lib/libvirt/images/fedora-40.qcow2'],
      network: 'default',
    })
    expectGolden(xml, join(goldenDir, 'fedora-kvm-default-network.xml'))
  })

  it('TCG, UEFI, CD first, two disks, no network, VNC on 127.0.0.1, a name needing escapes', () => {
    const xml = buildDomainXml(hostile, {
      type: 'qemu',
      uuid,
      diskPaths: ["/pool/it's & <a>.raw", '/pool/b.qcow2'],
      network: null,
      vnc: 'loopback',
    })
    expectGolden(xml, join(goldenDir, 'hostile-tcg-uefi-loopback.xml'))
  })

  it('what createVm defines for an import on a connection without a running default network', () => {
    const imported = vmConfigSchema.parse({
      version: 1,
      id: idOfUuid(uuid),
      name: 'Imported 导入',
      memoryMiB: 256,
      cpus: 1,
      disks: [{ file: 'disk0.qcow2', format: 'qcow2', bus: 'virtio' }],
      cdrom: null,
      bootOrder: ['disk', 'cdrom'],
      network: { mode: 'user', portForwards: [] },
      createdAt: '2026-01-01T00:00:00.000Z',
    })
    const xml = buildDomainXml(imported, { type: 'qemu', uuid, diskPaths: ['/var/lib/libvirt/images/Imported 导入-disk0.qcow2'], network: null })
    expectGolden(xml, join(goldenDir, 'import-tcg-user-network.xml'))
  })

  it('user networking when the connection has no default network', () => {
    const xml = buildDomainXml(fedora, { type: 'qemu', uuid, diskPaths: ['/d.qcow2'], network: null })
    expect(xml).toContain(`<interface type='user'>`)
    expect(xml).not.toContain('<source network')
  })

  it('refuses a disk without a path', () => {
    expect(() => buildDomainXml(fedora, { type: 'kvm', uuid, diskPaths: [], network: null })).toThrow(/1 disks but 0 paths/)
  })
})

describe('withResources and cloneDomainXml', () => {
  const dumped = `<domain type='kvm'>
  <name>deb</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/deb_VARS.fd</nvram></os>
  <devices>
    <disk type='file' device='disk'><source file='/pool/deb &amp; co.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'>
      <mac address='52:54:00:12:34:56'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>`

  it('rewrites memory and vCPUs only', () => {
    const out = withResources(dumped, { memoryMiB: 96, cpus: 4 })
    expect(out).toContain(`<memory unit='MiB'>96</memory>`)
    expect(out).toContain(`<currentMemory unit='MiB'>96</currentMemory>`)
    expect(out).toContain(`<vcpu placement='static'>4</vcpu>`)
    expect(out.replace(/<memory[^]*<\/vcpu>/, '')).toBe(dumped.replace(/<memory[^]*<\/vcpu>/, ''))
    expect(withResources(dumped, {})).toBe(dumped)
  })

  it('a clone: new name, UUID, title and disk paths; no MAC and no NVRAM path', () => {
    const out = cloneDomainXml(dumped, { name: 'deb / 2', uuid: 'u-2', title: 'deb / 2', diskPaths: new Map([['/pool/deb & co.qcow2', '/pool/deb - 2-disk0.qcow2']]) })
    expect(parseDomainXml(out)).toMatchObject({ name: 'deb - 2', uuid: 'u-2', title: 'deb / 2', disks: [{ path: '/pool/deb - 2-disk0.qcow2' }] })
    expect(out).not.toContain('mac address')
    expect(out).not.toContain('nvram')
    expect(out).toContain(`<source network='default'/>`)
  })
})

describe('parseDomainXml', () => {
  it('reads back what the builder wrote', () => {
    const xml = buildDomainXml(hostile, { type: 'qemu', uuid, diskPaths: ['/pool/a.raw', '/pool/b.qcow2'], network: null })
    expect(parseDomainXml(xml)).toEqual({
      type: 'qemu',
      name: `<Tom & "Jerry's"> - VM`,
      uuid,
      title: `<Tom & "Jerry's"> / VM`,
      memoryMiB: 128,
      cpus: 1,
      firmware: 'uefi',
      disks: [
        { path: '/pool/a.raw', format: 'raw', bus: 'sata' },
        { path: '/pool/b.qcow2', format: 'qcow2', bus: 'virtio' },
      ],
      cdrom: null,
      hasCdromDrive: true,
      vnc: null,
      os: { id: 'debian12', name: 'Debian 12' },
    })
  })

  it('reads a running virt-install domain: KiB memory, pflash UEFI, its VNC port or socket', () => {
    const running = `<domain type='kvm' id='3'>
  <name>deb</name><uuid>${uuid}</uuid>
  <memory unit='KiB'>1048576</memory><vcpu placement='static'>2</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>
  <devices>
    <disk type='file' device='cdrom'><source file='/iso/d.iso'/><target dev='sda' bus='sata'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/deb.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
  </devices>
</domain>`
    const parsed = parseDomainXml(running)
    expect(parsed).toMatchObject({ memoryMiB: 1024, cpus: 2, firmware: 'uefi', cdrom: '/iso/d.iso', vnc: { port: 5901, listen: '127.0.0.1' } })
    expect(parsed.disks).toEqual([{ path: '/var/lib/libvirt/images/deb.qcow2', format: 'qcow2', bus: 'virtio' }])
    const socket = running.replace(/<graphics[^]*<\/graphics>/, `<graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-3-deb/vnc.sock'><listen type='socket' socket='/var/lib/libvirt/qemu/domain-3-deb/vnc.sock'/></graphics>`)
    expect(parseDomainXml(socket).vnc).toEqual({ socket: '/var/lib/libvirt/qemu/domain-3-deb/vnc.sock' })
  })

  it('refuses what is not a domain', () => {
    expect(() => parseDomainXml('<network><name>default</name></network>')).toThrow(/not a libvirt domain/)
  })
})
