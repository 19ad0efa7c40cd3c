import type { Input } from '../api/contract'
import type { VmDetails } from '../api/types'
import { intOption, type CliValues } from './args'
import { canAsk, confirm } from './confirm'
import { withSession } from './session'

const diskUsage = 'vireo disk list VM | add VM (--size SIZE | --existing FILE) [--bus virtio|sata|scsi] | remove VM N [--delete-file] [--yes]'

/**
 * `vireo set VM …`: every setting updateVm takes, for a stopped VM (a name and the CD drive's
 * ISO also while it runs). `vireo disk …`: a stopped VM's disks, added and removed; a file is
 * deleted only with --delete-file, asked first on a terminal (--yes answers for you).
 */
export function runSet(rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, vmRef, out }) => {
    const ref = await vmRef(rest[0], 'set')
    const changes = setChanges(values)
    if (Object.keys(changes).length === 0) throw new Error('vireo set needs at least one setting to change: see vireo --help.')
    const vm = await call('updateVm', { ...ref, changes })
    out(vm, `Changed ${Object.keys(changes).join(', ')} of “${vm.name}”.`)
    return 0
  })
}

export function setChanges(values: CliValues): Input<'updateVm'>['changes'] {
  const changes: Input<'updateVm'>['changes'] = {}
  const memoryMiB = intOption(values, 'memory')
  const cpus = intOption(values, 'cpus')
  if (values.name !== undefined) changes.name = values.name
  if (memoryMiB !== undefined) changes.memoryMiB = memoryMiB
  if (cpus !== undefined) changes.cpus = cpus
  if (values.firmware !== undefined) changes.firmware = values.firmware as 'bios'
  if (values.accel !== undefined) changes.accel = values.accel as 'auto'
  if (values.boot !== undefined) changes.bootOrder = values.boot.split(',').map((d) => d.trim()) as 'disk'[]
  if (values.iso !== undefined && values.eject) throw new Error('Give --iso PATH or --eject, not both.')
  if (values.iso !== undefined) changes.cdrom = values.iso
  if (values.eject) changes.cdrom = null
  if (values['second-iso'] !== undefined) changes.secondCdrom = values['second-iso'] === 'none' ? null : values['second-iso']
  if (values.nic !== undefined) changes.nicModel = values.nic as 'virtio'
  if (values['disk-bus'] !== undefined) changes.diskBuses = values['disk-bus'].split(',').map((b) => b.trim()) as 'virtio'[]
  if (values['disk-size'] !== undefined) changes.diskSize = values['disk-size']
  if (values.rtc !== undefined) changes.rtc = values.rtc as 'utc'
  if (values.tablet !== undefined) changes.tablet = onOff(values.tablet, 'tablet')
  if (values.hyperv !== undefined) changes.hyperv = onOff(values.hyperv, 'hyperv')
  if (values.tpm !== undefined) changes.tpm = onOff(values.tpm, 'tpm')
  if (values['secure-boot'] !== undefined) changes.secureBoot = onOff(values['secure-boot'], 'secure-boot')
  if (values['port-forward'] !== undefined) {
    changes.portForwards = values['port-forward'].includes('none') ? [] : values['port-forward'].map(portForward)
  }
  return changes
}

function onOff(value: string, name: string): boolean {
  if (value === 'on') return true
  if (value === 'off') return false
  throw new Error(`--${name} is on or off, not “${value}”.`)
}

/** `[tcp|udp:]HOST:GUEST`, e.g. 2222:22 or udp:5353:53. */
function portForward(text: string): { protocol: 'tcp' | 'udp'; hostPort: number; guestPort: number } {
  const m = /^(?:(tcp|udp):)?(\d{1,5}):(\d{1,5})$/.exec(text.trim())
  if (!m) throw new Error(`--port-forward is [tcp|udp:]HOSTPORT:GUESTPORT (e.g. 2222:22), or none; not “${text}”.`)
  return { protocol: (m[1] ?? 'tcp') as 'tcp', hostPort: Number(m[2]), guestPort: Number(m[3]) }
}

export function runDisk(rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, vmRef, out }) => {
    const [action, vm, index] = rest
    if (action !== 'list' && action !== 'add' && action !== 'remove') throw new Error(`Did you mean: ${diskUsage}`)
    const ref = await vmRef(vm, `disk ${action}`)
    if (action === 'list') {
      const details = await call('getVm', ref)
      out(details.disks, formatDisks(details))
      return 0
    }
    if (action === 'add') {
      if ((values.size === undefined) === (values.existing === undefined)) {
        throw new Error(`vireo disk add needs --size SIZE (a new image) or --existing FILE, one of the two: ${diskUsage}`)
      }
      const params: Input<'addDisk'> = {
        ...ref,
        ...(values.size !== undefined ? { size: values.size } : {}),
        ...(values.existing !== undefined ? { existing: values.existing } : {}),
        ...(values.bus !== undefined ? { bus: values.bus as 'virtio' } : {}),
        ...(values['disk-format'] !== undefined ? { format: values['disk-format'] as 'qcow2' } : {}),
      }
      const details = await call('addDisk', params)
      out(details, `Added disk ${details.disks.length - 1} to “${details.name}”.\n${formatDisks(details)}`)
      return 0
    }
    if (index === undefined || !/^\d+$/.test(index)) throw new Error(`vireo disk remove needs the disk's number (see vireo disk list): ${diskUsage}`)
    const n = Number(index)
    const deleteFile = values['delete-file'] === true
    if (deleteFile && !values.yes && canAsk()) {
      const disk = (await call('getVm', ref)).disks[n]
      if (disk !== undefined && !(await confirm(`Delete the image file ${disk.path}? What it holds cannot be brought back.`))) {
        console.error('vireo: Nothing changed.')
        return 1
      }
    }
    const details = await call('removeDisk', { ...ref, index: n, deleteFile })
    out(details, `Removed disk ${n} from “${details.name}”${deleteFile ? ' and deleted its file' : ' (its file is kept)'}.\n${formatDisks(details)}`)
    return 0
  })
}

function formatDisks(vm: VmDetails): string {
  if (vm.disks.length === 0) return 'No disks.'
  const gib = (b: number | null) => (b === null ? '?' : `${(b / 1024 ** 3).toFixed(1)} GiB`)
  return vm.disks.map((d, i) => `${i}  ${d.bus.padEnd(6)} ${d.format.padEnd(5)} ${gib(d.virtualBytes).padStart(10)}  ${d.path}`).join('\n')
}
