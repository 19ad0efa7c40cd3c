import { writeFile } from 'node:fs/promises'
import type { Input, MethodName, Result } from '../api/contract'
import { createDispatcher } from '../api/dispatch'
import type { VmSummary } from '../api/types'
import { VireoError, type ErrorInfo } from '../core/errors'
import { resolvePaths } from '../core/paths'
import { Vireo } from '../core/vireo'
import { intOption, parse, usage, type CliValues } from './args'
import { showJobProgress } from './job-progress'
import { formatHost, formatSnapshots, formatVm, formatVmList } from './format'
import { runWeb } from './web-command'

class CallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
  }
}

/** The `vireo` command: each subcommand is one or two API calls through the same dispatcher. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv)
  const [command, ...rest] = positionals
  if (values.help || command === undefined || command === 'help') {
    console.log(usage)
    return command === undefined && !values.help ? 2 : 0
  }
  if (command === 'web') return runWeb(values)

  const vireo = new Vireo({ paths: resolvePaths(), watch: false })
  const dispatch = createDispatcher(vireo)
  const call = async <M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>> => {
    const reply = await dispatch(method, params)
    if (!reply.ok) throw new CallError(reply.error)
    return reply.result as Result<M>
  }
  const stopProgress = values.json ? () => undefined : showJobProgress(vireo, process.stderr)
  const out = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text)
  const vmId = async (ref = rest[0]): Promise<string> => {
    if (ref === undefined) throw new Error(`vireo ${command} needs a VM (a name or an id).`)
    return findVm(await call('listVms', {}), ref).id
  }

  try {
    switch (command) {
      case 'host': {
        if (rest[0] !== 'check') throw new Error('Did you mean: vireo host check')
        const report = await call('hostCheck', { refresh: values.refresh ?? false })
        out(report, formatHost(report))
        return report.ok ? 0 : 1
      }
      case 'list': {
        const vms = await call('listVms', {})
        out(vms, formatVmList(vms))
        return 0
      }
      case 'info': {
        const vm = await call('getVm', { id: await vmId() })
        out(vm, formatVm(vm))
        return 0
      }
      case 'create': {
        const vm = await call('createVm', createParams(values))
        out(vm, `Created “${vm.name}” (${vm.id})${vm.state === 'running' ? ', running' : ''}.`)
        return 0
      }
      case 'start':
      case 'stop':
      case 'reboot':
      case 'pause':
      case 'resume':
      case 'eject': {
        const method = ({ start: 'startVm', stop: 'forceOffVm', reboot: 'rebootVm', pause: 'pauseVm', resume: 'resumeVm', eject: 'ejectIso' } as const)[command]
        const vm = await call(method, { id: await vmId() })
        out(vm, `${vm.name}: ${vm.state}`)
        return 0
      }
      case 'shutdown': {
        const timeoutSec = intOption(values, 'timeout') ?? 60
        const vm = await call('shutdownVm', { id: await vmId(), timeoutSec })
        out(vm, `${vm.name}: ${vm.state}`)
        return 0
      }
      case 'insert': {
        const iso = rest[1]
        if (iso === undefined) throw new Error('vireo insert needs an ISO path: vireo insert VM ISO')
        const vm = await call('insertIso', { id: await vmId(), path: iso })
        out(vm, `${vm.name}: ${iso} inserted`)
        return 0
      }
      case 'screenshot': {
        const file = rest[1]
        if (file === undefined) throw new Error('vireo screenshot needs a file: vireo screenshot VM FILE.png')
        const shot = await call('screenshot', { id: await vmId() })
        await writeFile(file, Buffer.from(shot.png, 'base64'))
        out({ file, width: shot.width, height: shot.height }, `Saved ${shot.width}×${shot.height} screenshot to ${file}`)
        return 0
      }
      case 'logs': {
        const log = values.log === 'qemu' ? 'qemu' : 'serial'
        const { lines } = await call('logTail', { id: await vmId(), log, lines: intOption(values, 'lines') ?? 50 })
        out(lines, lines.join('\n'))
        return 0
      }
      case 'clone': {
        if (values.name === undefined) throw new Error('vireo clone needs --name NAME for the copy: vireo clone VM --name NAME')
        const vm = await call('cloneVm', { id: await vmId(), name: values.name })
        out(vm, `Cloned into “${vm.name}” (${vm.id}).`)
        return 0
      }
      case 'snapshot': {
        const [action, vm, name] = rest
        const usage = 'vireo snapshot list VM | take VM NAME | revert VM NAME | delete VM NAME'
        if (action === 'list') {
          const snapshots = await call('listSnapshots', { id: await vmId(vm) })
          out(snapshots, formatSnapshots(snapshots))
          return 0
        }
        const method = ({ take: 'takeSnapshot', revert: 'revertSnapshot', delete: 'deleteSnapshot' } as const)[action as 'take']
        if (method === undefined) throw new Error(`Did you mean: ${usage}`)
        if (name === undefined) throw new Error(`vireo snapshot ${action} needs a VM and a snapshot name: ${usage}`)
        const snapshots = await call(method, { id: await vmId(vm), name })
        out(snapshots, formatSnapshots(snapshots))
        return 0
      }
      case 'delete': {
        const result = await call('deleteVm', { id: await vmId(), deleteDisks: !values['keep-disks'] })
        out(result, result.keptDisks.length > 0 ? `Deleted; kept ${result.keptDisks.join(', ')}` : 'Deleted.')
        return 0
      }
      default:
        throw new Error(`Unknown command “${command}”. Run vireo --help.`)
    }
  } finally {
    stopProgress()
    vireo.dispose()
  }
}

function findVm(vms: VmSummary[], ref: string): VmSummary {
  const byId = vms.find((vm) => vm.id === ref)
  if (byId) return byId
  const byName = vms.filter((vm) => vm.name === ref || vm.name.toLocaleLowerCase() === ref.toLocaleLowerCase())
  if (byName.length === 1 && byName[0]) return byName[0]
  if (byName.length > 1) throw new VireoError('INVALID_INPUT', `Several VMs are named “${ref}”.`, 'Use its id (see vireo list).')
  throw new VireoError('NOT_FOUND', `There is no VM named “${ref}”.`, 'See vireo list.')
}

function createParams(values: CliValues): Input<'createVm'> {
  if (values.name === undefined) throw new Error('vireo create needs --name NAME.')
  if (values.iso !== undefined && values.import !== undefined) throw new Error('Give --iso or --import, not both.')
  const memoryMiB = intOption(values, 'memory')
  const cpus = intOption(values, 'cpus')
  return {
    name: values.name,
    source: values.iso !== undefined ? { kind: 'iso', path: values.iso } : values.import !== undefined ? { kind: 'import', path: values.import } : { kind: 'none' },
    ...(values['disk-size'] !== undefined ? { diskSize: values['disk-size'] } : {}),
    ...(values['disk-format'] !== undefined ? { diskFormat: values['disk-format'] as 'qcow2' } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(values.firmware !== undefined ? { firmware: values.firmware as 'bios' } : {}),
    ...(values.accel !== undefined ? { accel: values.accel as 'auto' } : {}),
    start: values.start ?? false,
  }
}

function report(error: unknown): number {
  const info: ErrorInfo =
    error instanceof CallError ? error.info : error instanceof VireoError ? error.toJSON() : { code: 'INVALID_INPUT', message: error instanceof Error ? error.message : String(error) }
  console.error(`vireo: ${info.message}`)
  if (info.hint) console.error(`  ${info.hint}`)
  return info.code === 'INTERNAL' ? 70 : 1
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => (process.exitCode = report(error)),
)
