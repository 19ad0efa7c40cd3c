import { vmConfigSchema, type VmConfig } from '../vms/config'

/**
 * Test support (not shipped): the VM definition the golden files are made from (argv and
 * launch plans), and the folders it lives in on a typical desktop.
 */
export const fedora: VmConfig = vmConfigSchema.parse({
  version: 1,
  id: 'a1b2c3d4',
  name: 'Fedora 40',
  memoryMiB: 2048,
  cpus: 2,
  disks: [{ file: 'disk0.qcow2', format: 'qcow2' }],
  cdrom: '/srv/iso/Fedora-Workstation-Live-x86_64-40.iso',
  createdAt: '2026-01-01T00:00:00.000Z',
})

export const fedoraDir = '/home/ada/.local/share/vireo/vms/a1b2c3d4'
export const runtimeRoot = '/run/user/1000/vireo'
