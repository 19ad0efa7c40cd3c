import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVm, smallVm } from '../../api/testing/vm-fixtures'
import { makeWindowsIso } from '../os/testing/windows-iso'
import { until } from '../testing/fault-support'
import { vireoError } from '../testing/rejections'
import { testIsoPath } from '../testing/test-iso'
import { VireoHarness } from '../testing/vireo-harness'

// A VM's hardware changed through the API as the details screen and `vireo set`/`vireo disk`
// do, and booted for real (TCG): the test OS's installer finds its disk on the bus asked for
// and names the driver of its NIC on the serial port.
const harness = new VireoHarness('vireo-hw-')

beforeAll(() => {
  testIsoPath()
})

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('a stopped VM’s disks, added and removed', () => {
  it('adds a new image and an existing file, removes them keeping the file unless asked', async () => {
    const vireo = harness.front('disks')
    const vm = await createVm(vireo, { name: 'Disks', ...smallVm })
    const added = await vireo.addDisk({ connection: 'local', id: vm.id, size: '8M', bus: 'scsi', format: 'qcow2' })
    expect(added.config?.disks).toEqual([
      { file: 'disk0.qcow2', format: 'qcow2', bus: 'virtio' },
      { file: 'disk1.qcow2', format: 'qcow2', bus: 'scsi' },
    ])
    expect(added.disks[1]?.virtualBytes).toBe(8 * 1024 * 1024)

    const other = await createVm(harness.front('other'), { name: 'Other', ...smallVm, diskFormat: 'raw' })
    const external = other.disks[0]!.path
    const withExisting = await vireo.addDisk({ connection: 'local', id: vm.id, existing: external, bus: 'sata', format: 'qcow2' })
    expect(withExisting.config?.disks[2]).toEqual({ file: external, format: 'raw', bus: 'sata' })
    const twice = await vireoError(vireo.addDisk({ connection: 'local', id: vm.id, existing: external, bus: 'sata', format: 'qcow2' }))
    expect(twice.code).toBe('ALREADY_EXISTS')

    const kept = await vireo.removeDisk({ connection: 'local', id: vm.id, index: 2, deleteFile: false })
    expect(kept.config?.disks).toHaveLength(2)
    expect(existsSync(external)).toBe(true)
    const gone = await vireo.removeDisk({ connection: 'local', id: vm.id, index: 1, deleteFile: true })
    expect(gone.config?.disks.map((d) => d.file)).toEqual(['disk0.qcow2'])
    expect(existsSync(join(vm.dir, 'disk1.qcow2'))).toBe(false)
    const none = await vireoError(vireo.removeDisk({ connection: 'local', id: vm.id, index: 5, deleteFile: false }))
    expect(none.code).toBe('NOT_FOUND')
  })

  it('leaves no image behind when a new disk cannot be made or saved', async () => {
    const vireo = harness.front('orphans')
    const vm = await createVm(vireo, { name: 'Orphans', ...smallVm })
    const before = readdirSync(vm.dir).sort()
    // Too large for qemu-img's limits: refused before any file is made.
    expect((await vireoError(vireo.addDisk({ connection: 'local', id: vm.id, size: '70T', bus: 'virtio', format: 'qcow2' }))).code).toBe('INVALID_INPUT')
    expect(readdirSync(vm.dir).sort()).toEqual(before)
  })

  it('refuses disk changes while the VM runs, saying to shut it down', async () => {
    const vireo = harness.front('running')
    const vm = await createVm(vireo, { name: 'Running', ...smallVm })
    await vireo.startVm({ connection: 'local', id: vm.id })
    try {
      const refused = await vireoError(vireo.addDisk({ connection: 'local', id: vm.id, size: '8M', bus: 'virtio', format: 'qcow2' }))
      expect(refused.code).toBe('INVALID_STATE')
      expect(refused.message).toContain('Shut “Running” down before adding or removing a disk.')
      expect((await vireoError(vireo.removeDisk({ connection: 'local', id: vm.id, index: 0, deleteFile: true }))).code).toBe('INVALID_STATE')
      expect(existsSync(join(vm.dir, 'disk0.qcow2'))).toBe(true)
    } finally {
      await vireo.forceOffVm({ connection: 'local', id: vm.id })
    }
  })
})

describe('Windows hardware boots', () => {
  it('installs onto a SCSI disk with an e1000e NIC and a second CD drive, in local time', async () => {
    const vireo = harness.front('boot', { watch: true })
    const drivers = await makeWindowsIso(join(harness.root, 'virtio-win-0.1.240.iso'), { label: 'virtio-win-0.1.240', installer: false })
    const vm = await createVm(vireo, { name: 'SCSI e1000e', ...smallVm, memoryMiB: 256, diskSize: '64M', source: { kind: 'iso', path: testIsoPath() } })
    const changed = await vireo.updateVm({
      connection: 'local',
      id: vm.id,
      changes: { diskBuses: ['scsi'], nicModel: 'e1000e', secondCdrom: drivers, rtc: 'localtime', tablet: false },
    })
    expect(changed.argv?.join(' ')).toContain('scsi-hd,drive=disk0')
    expect(changed.argv?.join(' ')).toContain(`file=${drivers},format=raw`)
    await vireo.startVm({ connection: 'local', id: vm.id })
    const serial = () => readFileSync(join(vm.dir, 'serial.log'), 'utf8')
    await until('installer to finish', () => existsSync(join(vm.dir, 'serial.log')) && serial().includes('VIREO-INSTALLER: done, powering off'))
    expect(serial()).toContain('VIREO-INSTALLER: disk /dev/sda')
    expect(serial()).toMatch(/VIREO-INSTALLER: nics eth0=e1000e/)
  })

  it('boots the default virtio NIC the same way', async () => {
    const vireo = harness.front('virtio', { watch: true })
    const vm = await createVm(vireo, { name: 'virtio', ...smallVm, memoryMiB: 256, diskSize: '64M', source: { kind: 'iso', path: testIsoPath() } })
    await vireo.startVm({ connection: 'local', id: vm.id })
    const serial = () => readFileSync(join(vm.dir, 'serial.log'), 'utf8')
    await until('installer to name its NIC', () => existsSync(join(vm.dir, 'serial.log')) && serial().includes('VIREO-INSTALLER: nics'))
    expect(serial()).toMatch(/VIREO-INSTALLER: nics eth0=virtio_net/)
    expect(serial()).toContain('VIREO-INSTALLER: disk /dev/vda')
    await vireo.forceOffVm({ connection: 'local', id: vm.id })
  })
})
