import { describe, expect, it } from 'vitest'
import type { VmDetails } from '../../api/types'
import { changesOf, checkForm, fieldOfUpdateError, formFromVm, freeHostPort } from './hardware-form'

const vm: VmDetails = {
  connection: 'local',
  id: 'abcd1234',
  name: 'Debian',
  broken: null,
  os: null,
  state: 'stopped',
  memoryMiB: 2048,
  cpus: 2,
  accel: 'auto',
  accelInUse: null,
  firmware: 'bios',
  cdrom: '/isos/debian.iso',
  startedAt: null,
  lastStop: null,
  pause: null,
  tpm: false,
  secureBoot: false,
  helpersDown: [],
  dir: '/vms/abcd1234',
  config: null,
  disks: [
    {
      path: '/vms/abcd1234/disk.qcow2',
      format: 'qcow2',
      bus: 'virtio',
      virtualBytes: 20 * 1024 ** 3,
      actualBytes: 1,
    },
  ],
  argv: null,
  launchProblems: [],
}

describe('the details form', () => {
  it('sends nothing when nothing changed', () => {
    expect(changesOf(vm, formFromVm(vm))).toEqual({})
  })
  it('sends only what changed', () => {
    const form = {
      ...formFromVm(vm),
      memoryMiB: 4096,
      cdrom: '',
      boot: 'cdrom,disk' as const,
      diskGiB: 30,
    }
    expect(changesOf(vm, form)).toEqual({
      memoryMiB: 4096,
      cdrom: null,
      bootOrder: ['cdrom', 'disk'],
      diskSize: '30G',
    })
  })
  it('leaves a disk of unknown size alone until a size is typed', () => {
    const unknown = { ...vm, disks: vm.disks.map((d) => ({ ...d, virtualBytes: null })) }
    expect(changesOf(unknown, formFromVm(unknown))).toEqual({})
    expect(changesOf(unknown, { ...formFromVm(unknown), diskGiB: 8 })).toEqual({ diskSize: '8G' })
  })
  it('lets a disk grow but not shrink', () => {
    expect(checkForm(vm, { ...formFromVm(vm), diskGiB: 10 }).diskGiB).toBe('diskShrink')
    expect(checkForm(vm, { ...formFromVm(vm), diskGiB: 40 }).diskGiB).toBeUndefined()
  })
  it('refuses one host port forwarded twice', () => {
    const rule = { protocol: 'tcp' as const, hostPort: 2222, guestPort: 22 }
    expect(checkForm(vm, { ...formFromVm(vm), portForwards: [rule, rule] }).portForwards).toBe(
      'portTwice',
    )
    expect(freeHostPort([rule])).toBe(2223)
  })
  it('maps server fields to form fields', () => {
    expect(fieldOfUpdateError('changes.memoryMiB')).toBe('memoryMiB')
    expect(fieldOfUpdateError('changes.portForwards.0.hostPort')).toBe('portForwards')
    expect(fieldOfUpdateError('changes.diskSize')).toBe('diskGiB')
    expect(fieldOfUpdateError('id')).toBeNull()
  })
})
