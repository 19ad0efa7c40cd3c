import type { DiskBus, Firmware, Input, NicModel, PortForward, VmDetails } from '../../api/types'
import { bytesToGib, gibToSize } from '../../ui/format'

/** The editable hardware of a stopped VM, as the form holds it. */
export interface HardwareForm {
  name: string
  memoryMiB: number
  cpus: number
  firmware: Firmware
  tpm: boolean
  secureBoot: boolean
  boot: BootPreset
  cdrom: string
  diskGiB: number
  portForwards: PortForward[]
  nicModel: NicModel
  /** Each disk's bus, in the disks' order. */
  diskBuses: DiskBus[]
  /** The second CD drive's ISO (Windows' virtio drivers); empty for no second drive. */
  secondCdrom: string
}

export const diskBuses: DiskBus[] = ['virtio', 'sata', 'scsi']
export const nicModels: NicModel[] = ['virtio', 'e1000e']

export type BootPreset = 'disk,cdrom' | 'cdrom,disk' | 'disk' | 'cdrom'
export const bootPresets: BootPreset[] = ['disk,cdrom', 'cdrom,disk', 'disk', 'cdrom']
export type HardwareField = keyof HardwareForm

export function formFromVm(vm: VmDetails): HardwareForm {
  const order = vm.config?.bootOrder ?? ['disk', 'cdrom']
  const boot = order.join(',')
  return {
    name: vm.name,
    memoryMiB: vm.memoryMiB,
    cpus: vm.cpus,
    firmware: vm.firmware,
    tpm: vm.tpm,
    secureBoot: vm.secureBoot,
    boot: bootPresets.includes(boot as BootPreset) ? (boot as BootPreset) : 'disk,cdrom',
    cdrom: vm.cdrom ?? '',
    // NaN (an empty field) when qemu-img could not tell the size.
    diskGiB: currentDiskGib(vm) ?? Number.NaN,
    portForwards: vm.config?.network.portForwards.map((p) => ({ ...p })) ?? [],
    nicModel: vm.config?.network.model ?? 'virtio',
    diskBuses: vm.config?.disks.map((d) => d.bus) ?? [],
    secondCdrom: vm.config?.secondCdrom ?? '',
  }
}

export function currentDiskGib(vm: VmDetails): number | null {
  const bytes = vm.disks[0]?.virtualBytes
  return bytes == null ? null : bytesToGib(bytes)
}

type Changes = Input<'updateVm'>['changes']

/** Only what differs from the VM as loaded: that is what `updateVm` gets. */
export function changesOf(vm: VmDetails, form: HardwareForm): Changes {
  const before = formFromVm(vm)
  const changes: Changes = {}
  if (form.name.trim() !== before.name) changes.name = form.name.trim()
  if (form.memoryMiB !== before.memoryMiB) changes.memoryMiB = form.memoryMiB
  if (form.cpus !== before.cpus) changes.cpus = form.cpus
  if (form.firmware !== before.firmware) changes.firmware = form.firmware
  if (form.tpm !== before.tpm) changes.tpm = form.tpm
  if (form.secureBoot !== before.secureBoot) changes.secureBoot = form.secureBoot
  if (form.boot !== before.boot) changes.bootOrder = form.boot.split(',') as ('disk' | 'cdrom')[]
  if (form.cdrom.trim() !== before.cdrom)
    changes.cdrom = form.cdrom.trim() === '' ? null : form.cdrom.trim()
  const diskChanged = !Object.is(form.diskGiB, before.diskGiB) && !Number.isNaN(form.diskGiB)
  if (diskChanged && vm.disks.length > 0) changes.diskSize = gibToSize(form.diskGiB)
  if (JSON.stringify(form.portForwards) !== JSON.stringify(before.portForwards)) {
    changes.portForwards = form.portForwards
  }
  if (form.nicModel !== before.nicModel) changes.nicModel = form.nicModel
  if (form.diskBuses.join() !== before.diskBuses.join()) changes.diskBuses = form.diskBuses
  if (form.secondCdrom.trim() !== before.secondCdrom)
    changes.secondCdrom = form.secondCdrom.trim() === '' ? null : form.secondCdrom.trim()
  return changes
}

export type FormProblem =
  'nameRequired' | 'memoryRange' | 'cpusRange' | 'diskShrink' | 'portRange' | 'portTwice'

export function checkForm(
  vm: VmDetails,
  form: HardwareForm,
): Partial<Record<HardwareField, FormProblem>> {
  const problems: Partial<Record<HardwareField, FormProblem>> = {}
  if (form.name.trim() === '') problems.name = 'nameRequired'
  if (!Number.isInteger(form.memoryMiB) || form.memoryMiB < 32) problems.memoryMiB = 'memoryRange'
  if (!Number.isInteger(form.cpus) || form.cpus < 1 || form.cpus > 288) problems.cpus = 'cpusRange'
  const disk = currentDiskGib(vm)
  if (disk !== null && !(form.diskGiB >= disk)) problems.diskGiB = 'diskShrink'
  const portOk = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535
  if (form.portForwards.some((p) => !portOk(p.hostPort) || !portOk(p.guestPort))) {
    problems.portForwards = 'portRange'
  } else {
    const used = form.portForwards.map((p) => `${p.protocol}:${p.hostPort}`)
    if (new Set(used).size !== used.length) problems.portForwards = 'portTwice'
  }
  return problems
}

/** A host port no rule uses yet, from 2222 up (SSH's usual forward). */
export function freeHostPort(rules: readonly PortForward[]): number {
  let port = 2222
  while (rules.some((rule) => rule.hostPort === port)) port++
  return port
}

/** The form field a server error names (`changes.memoryMiB` → memoryMiB). */
export function fieldOfUpdateError(field: unknown): HardwareField | null {
  if (typeof field !== 'string') return null
  const name = field.replace(/^changes\./, '').split('.')[0]
  switch (name) {
    case 'name':
    case 'memoryMiB':
    case 'cpus':
    case 'firmware':
    case 'tpm':
    case 'secureBoot':
    case 'cdrom':
    case 'portForwards':
    case 'nicModel':
    case 'diskBuses':
    case 'secondCdrom':
      return name
    case 'bootOrder':
      return 'boot'
    case 'diskSize':
      return 'diskGiB'
    default:
      return null
  }
}
