import { writeFile } from 'node:fs/promises'
import type { Input } from '../api/contract'
import { readSettings, settingsFile } from '../core/settings'
import { intOption, type CliValues } from './args'
import { formatHost, formatVm, formatVmList, formatVmState } from './format'
import { withSession } from './session'

/** Every command that is one or two API calls and asks nothing: host, list, info, lifecycle. */
export function runVmCommand(command: string, rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, connection, vmRef: refOf, out, say }) => {
    const vmRef = () => refOf(rest[0], command)
    switch (command) {
      case 'host': {
        if (rest[0] !== 'check') throw new Error('Did you mean: vireo host check')
        const report = await call('hostCheck', { connection, refresh: values.refresh ?? false })
        out(report, formatHost(report, say))
        return report.ok ? 0 : 1
      }
      case 'list': {
        const vms = await call('listVms', { connection })
        if (values.names) console.log(vms.map((vm) => vm.name).join('\n'))
        else out(vms, formatVmList(vms, say))
        return 0
      }
      case 'info': {
        const vm = await call('getVm', await vmRef())
        out(vm, formatVm(vm, say))
        return 0
      }
      case 'create': {
        const vm = await call('createVm', { connection, ...createParams(values) })
        out(vm, `Created “${vm.name}” (${vm.id})${vm.state === 'running' ? ', running' : ''}.`)
        return 0
      }
      case 'start':
      case 'stop':
      case 'reboot':
      case 'pause':
      case 'resume':
      case 'eject': {
        const method = (
          {
            start: 'startVm',
            stop: 'forceOffVm',
            reboot: 'rebootVm',
            pause: 'pauseVm',
            resume: 'resumeVm',
            eject: 'ejectIso',
          } as const
        )[command]
        const vm = await call(method, await vmRef())
        out(vm, formatVmState(vm, say))
        return 0
      }
      case 'shutdown': {
        const timeoutSec = intOption(values, 'timeout') ?? 60
        const vm = await call('shutdownVm', { ...(await vmRef()), timeoutSec })
        out(vm, formatVmState(vm, say))
        return 0
      }
      case 'insert': {
        const iso = rest[1]
        if (iso === undefined)
          throw new Error('vireo insert needs an ISO path: vireo insert VM ISO')
        const vm = await call('insertIso', { ...(await vmRef()), path: iso })
        out(vm, `${vm.name}: ${iso} inserted`)
        return 0
      }
      case 'screenshot': {
        const file = rest[1]
        if (file === undefined)
          throw new Error('vireo screenshot needs a file: vireo screenshot VM FILE.png')
        const shot = await call('screenshot', await vmRef())
        await writeFile(file, Buffer.from(shot.png, 'base64'))
        out(
          { file, width: shot.width, height: shot.height },
          `Saved ${shot.width}×${shot.height} screenshot to ${file}`,
        )
        return 0
      }
      case 'logs': {
        const log = values.log === 'qemu' ? 'qemu' : 'serial'
        const { lines } = await call('logTail', {
          ...(await vmRef()),
          log,
          lines: intOption(values, 'lines') ?? 50,
        })
        out(lines, lines.join('\n'))
        return 0
      }
      case 'clone': {
        if (values.name === undefined)
          throw new Error('vireo clone needs --name NAME for the copy: vireo clone VM --name NAME')
        const vm = await call('cloneVm', { ...(await vmRef()), name: values.name })
        out(vm, `Cloned into “${vm.name}” (${vm.id}).`)
        return 0
      }
      case 'migrate': {
        if (values.to === undefined) throw new Error('vireo migrate needs --to URI, the libvirt connection to move it to: vireo migrate VM --to URI')
        const vm = await call('migrateVm', { ...(await vmRef()), toConnection: values.to })
        out(vm, `Moved “${vm.name}” to ${vm.connection}.`)
        return 0
      }
      default:
        throw new Error(`Unknown command “${command}”. Run vireo --help.`)
    }
  })
}

function createParams(values: CliValues): Input<'createVm'> {
  if (values.name === undefined) throw new Error('vireo create needs --name NAME.')
  if (values.iso !== undefined && values.import !== undefined)
    throw new Error('Give --iso or --import, not both.')
  const memoryMiB = intOption(values, 'memory')
  const cpus = intOption(values, 'cpus')
  return {
    name: values.name,
    source:
      values.iso !== undefined
        ? { kind: 'iso', path: values.iso }
        : values.import !== undefined
          ? { kind: 'import', path: values.import }
          : { kind: 'none' },
    ...(values['disk-size'] !== undefined ? { diskSize: values['disk-size'] } : {}),
    ...(values['drivers-iso'] !== undefined ? { driversIso: values['drivers-iso'] } : {}),
    ...(values['disk-format'] !== undefined
      ? { diskFormat: values['disk-format'] as 'qcow2' }
      : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(values.firmware !== undefined ? { firmware: values.firmware as 'bios' } : {}),
    // Not asked for: the settings' default accelerator (settings.ts), the file every front end shares.
    accel:
      (values.accel as 'auto' | undefined) ?? readSettings(settingsFile(process.env)).defaultAccel,
    start: values.start ?? false,
  }
}
