import type { Input, MethodName, Result } from '../api/contract'
import { createDispatcher } from '../api/dispatch'
import type { VmRef, VmSummary } from '../api/types'
import { VireoError, msg } from '../core/errors'
import { connectionsFilePath } from '../core/libvirt/connections-file'
import { resolvePaths } from '../core/paths'
import { Vireo } from '../core/vireo'
import type { CliValues } from './args'
import { showJobProgress } from './job-progress'
import { localeLanguage, sayer, type Say } from './language'
import { CallError } from './report'

/** What a command works with: the core behind the one dispatcher, and how to print. */
export interface Session {
  vireo: Vireo
  /** One API call; an error reply is thrown as a CallError. */
  call<M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>>
  /** The connection commands address: `--connect URI`, else VIREO_CONNECT, else `local`. */
  connection: string
  /**
   * The VM a user named (by name, any case, or by id) on the session's connection: the one
   * place a command turns what it was given into what a request names.
   */
  vmRef(ref: string | undefined, command: string): Promise<VmRef>
  /** A message in the locale's language (English with --json, which programs read). */
  say: Say
  /** Prints `json` with --json, else `text`. */
  out(json: unknown, text: string): void
}

/** Runs `body` with a session, and lets go of the core afterwards (so the process can exit). */
export async function withSession(
  values: CliValues,
  body: (s: Session) => Promise<number>,
): Promise<number> {
  const say = await sayer(values.json ? 'en' : localeLanguage())
  const vireo = new Vireo({ paths: resolvePaths(), watch: false, connectionsFile: connectionsFilePath() })
  const dispatch = createDispatcher(vireo)
  const call = async <M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>> => {
    const reply = await dispatch(method, params)
    if (!reply.ok) throw new CallError(reply.error)
    return reply.result as Result<M>
  }
  const stopProgress = values.json ? () => undefined : showJobProgress(vireo, process.stderr)
  const connection = values.connect ?? nonEmpty(process.env.VIREO_CONNECT) ?? 'local'
  if (connection !== 'local') vireo.open(connection)
  if (values.to !== undefined && values.to !== 'local') vireo.open(values.to)
  const session: Session = {
    vireo,
    call,
    connection,
    say,
    async vmRef(ref, command) {
      if (ref === undefined) throw new VireoError('INVALID_INPUT', msg('error.vm.needsVm', { command }))
      return { connection, id: findVm(await call('listVms', { connection }), ref).id }
    },
    out: (json, text) => console.log(values.json ? JSON.stringify(json, null, 2) : text),
  }
  try {
    return await body(session)
  } finally {
    stopProgress()
    vireo.dispose()
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function findVm(vms: VmSummary[], ref: string): VmSummary {
  // A libvirt domain's UUID, as virsh prints it, is its id without the dashes.
  const id = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(ref) ? ref.toLowerCase().replace(/-/g, '') : ref
  const byId = vms.find((vm) => vm.id === id)
  if (byId) return byId
  const byName = vms.filter(
    (vm) => vm.name === ref || vm.name.toLocaleLowerCase() === ref.toLocaleLowerCase(),
  )
  if (byName.length === 1 && byName[0]) return byName[0]
  if (byName.length > 1)
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.vm.severalNamed', { name: ref }),
      msg('error.vm.severalNamedHint'),
    )
  throw new VireoError('NOT_FOUND', msg('error.vm.noneNamed', { name: ref }), msg('error.vm.noneNamedHint'))
}
