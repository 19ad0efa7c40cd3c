import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VmDetails } from '../api/types'
import { makeWindowsIso } from '../core/os/testing/windows-iso'
import { cliHome, requireBuild } from './testing/cli-home'

// `vireo create --iso` with Windows installers (small ISOs made with xorriso), `vireo set` and
// `vireo disk`, as a user runs them: the built bin/vireo.js, a fresh VIREO_HOME.
const { home, vireo, json } = cliHome({ prefix: 'vireo-cli-hw-' })
const isos = join(home, 'isos')

beforeAll(() => {
  requireBuild()
  mkdirSync(isos)
})

afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('vireo create --iso with a Windows installer', () => {
  it('gives Windows 11 its defaults: UEFI, 4 GiB, 2 vCPUs, 64 GiB, SATA, e1000e, local time, Hyper-V', async () => {
    const iso = await makeWindowsIso(join(isos, 'Win11_23H2.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 22631 })
    const vm = await json<VmDetails>('create', '--name', 'Windows 11', '--iso', iso)
    expect(vm.os).toEqual({ id: 'win11', name: 'Windows 11' })
    expect(vm.config).toMatchObject({
      memoryMiB: 4096,
      cpus: 2,
      firmware: existsSync('/usr/share/OVMF') ? 'uefi' : 'bios',
      disks: [{ file: 'disk0.qcow2', format: 'qcow2', bus: 'sata' }],
      network: { model: 'e1000e' },
      secondCdrom: null,
      rtc: 'localtime',
      tablet: true,
      hyperv: true,
    })
    expect(vm.disks[0]?.virtualBytes).toBe(64 * 1024 ** 3)
    expect(vm.argv?.join(' ')).toContain('-rtc base=localtime')
  })

  it('uses virtio with the drivers ISO in the second CD drive, and tells Windows 10 apart', async () => {
    const iso = await makeWindowsIso(join(isos, 'Win10_22H2.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 19045 })
    const drivers = await makeWindowsIso(join(isos, 'virtio-win-0.1.240.iso'), { label: 'virtio-win-0.1.240', installer: false })
    const vm = await json<VmDetails>('create', '--name', 'Windows 10', '--iso', iso, '--drivers-iso', drivers)
    expect(vm.os).toEqual({ id: 'win10', name: 'Windows 10' })
    expect(vm.config).toMatchObject({ disks: [{ bus: 'virtio' }], network: { model: 'virtio' }, secondCdrom: drivers })
  })
})

describe('vireo set and vireo disk', () => {
  it('changes the NIC, buses and CD drives of a stopped VM, and adds and removes disks', async () => {
    await json<VmDetails>('create', '--name', 'Hardware', '--disk-size', '16M', '--memory', '64')
    const set = await json<VmDetails>('set', 'Hardware', '--nic', 'e1000e', '--disk-bus', 'scsi', '--rtc', 'localtime', '--tablet', 'off', '--hyperv', 'on', '--tpm', 'on', '--port-forward', '2222:22', '--boot', 'cdrom,disk', '--memory', '96', '--cpus', '1')
    expect(set.config).toMatchObject({
      memoryMiB: 96,
      bootOrder: ['cdrom', 'disk'],
      disks: [{ bus: 'scsi' }],
      network: { model: 'e1000e', portForwards: [{ protocol: 'tcp', hostPort: 2222, guestPort: 22 }] },
      rtc: 'localtime',
      tablet: false,
      hyperv: true,
      tpm: true,
    })
    const bad = await vireo('set', 'Hardware', '--nic', 'rtl8139')
    expect(bad.exitCode).not.toBe(0)
    expect(bad.stderr).toMatch(/virtio|e1000e/)

    const added = await json<VmDetails>('disk', 'add', 'Hardware', '--size', '8M', '--bus', 'sata')
    expect(added.config?.disks.map((d) => d.bus)).toEqual(['scsi', 'sata'])
    const list = await vireo('disk', 'list', 'Hardware')
    expect(list.stdout).toMatch(/^1 +sata +qcow2/m)
    const neither = await vireo('disk', 'add', 'Hardware')
    expect(neither.stderr).toContain('--size SIZE (a new image) or --existing FILE')

    const removed = await json<VmDetails>('disk', 'remove', 'Hardware', '1')
    expect(removed.config?.disks).toHaveLength(1)
    expect(existsSync(join(removed.dir, 'disk1.qcow2'))).toBe(true)
    const deleted = await json<VmDetails>('disk', 'add', 'Hardware', '--size', '8M')
    const file = deleted.disks[1]!.path
    await json<VmDetails>('disk', 'remove', 'Hardware', '1', '--delete-file', '--yes')
    expect(existsSync(file)).toBe(false)
  })
})
