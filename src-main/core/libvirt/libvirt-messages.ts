import { msg, toErrorInfo, VireoError, type Message, type MessageKey } from '../errors'

/**
 * Every error a libvirt connection shows a user, in one place: what went wrong and what to do
 * next, as keys of the core's catalogues (`error.libvirt.*`, en and zh-CN).
 */
export type NotYet = 'log' | 'disks'
export type UriProblem = 'shape' | 'spaces' | 'noHost' | 'dash' | 'needsSsh'

const notYetWhat = {
  log: 'error.libvirt.what.log',
  disks: 'error.libvirt.what.disks',
} as const satisfies Record<NotYet, MessageKey>
const shutDownWhat = {
  settings: 'error.libvirt.what.settings',
  clone: 'error.libvirt.what.clone',
  migrate: 'error.libvirt.what.migrate',
} as const satisfies Record<string, MessageKey>
const uriWhy = {
  shape: 'error.libvirt.uriWhy.shape',
  spaces: 'error.libvirt.uriWhy.spaces',
  noHost: 'error.libvirt.uriWhy.noHost',
  dash: 'error.libvirt.uriWhy.dash',
  needsSsh: 'error.libvirt.uriWhy.needsSsh',
} as const satisfies Record<UriProblem, MessageKey>

export const libvirtMessages = {
  notYet: (what: NotYet) =>
    new VireoError('INVALID_STATE', msg('error.libvirt.notYet', { what: msg(notYetWhat[what]) }), msg('error.libvirt.notYetHint'), { libvirt: 'not-yet' }),
  badUri: (uri: string, why: UriProblem | Message) =>
    new VireoError(
      'INVALID_INPUT',
      msg('error.libvirt.badUri', { uri, why: typeof why === 'string' ? msg(uriWhy[why]) : why }),
      msg('error.libvirt.badUriHint'),
      { field: 'uri' },
    ),
  badTransport: (uri: string, transport: string) => libvirtMessages.badUri(uri, msg('error.libvirt.uriWhy.transport', { transport })),
  libvirtdDown: (uri: string) =>
    new VireoError('HOST_UNSUPPORTED', msg('error.libvirt.libvirtdDown', { uri }), msg('error.libvirt.libvirtdDownHint'), { libvirtLink: true, uri }),
  connectionLost: (uri: string) =>
    new VireoError('COMMAND_FAILED', msg('error.libvirt.connectionLost', { uri }), msg('error.libvirt.connectionLostHint'), { libvirtLink: true, uri }),
  unreachable: (host: string, why: string) =>
    new VireoError('COMMAND_FAILED', msg('error.libvirt.unreachable', { host, why }), msg('error.libvirt.unreachableHint'), { libvirtLink: true, host }),
  keyRefused: (host: string) =>
    new VireoError('UNAUTHORIZED', msg('error.libvirt.keyRefused', { host }), msg('error.libvirt.keyRefusedHint'), { libvirtLink: true, host }),
  hostKeyUnknown: (host: string) =>
    new VireoError('UNAUTHORIZED', msg('error.libvirt.hostKeyUnknown', { host }), msg('error.libvirt.hostKeyUnknownHint', { host }), { libvirtLink: true, host, hostKey: 'unknown' }),
  permission: (uri: string) =>
    new VireoError('UNAUTHORIZED', msg('error.libvirt.permission', { uri }), msg('error.libvirt.permissionHint'), { libvirtLink: true, uri }),
  domainGone: (uri: string) => new VireoError('NOT_FOUND', msg('error.libvirt.domainGone', { uri }), msg('error.libvirt.refreshList'), { uri }),
  notRunning: () => new VireoError('NOT_RUNNING', msg('error.libvirt.notRunning'), msg('error.vm.startFirst')),
  runningNoDelete: () => new VireoError('ALREADY_RUNNING', msg('error.libvirt.runningNoDelete'), msg('error.libvirt.runningNoDeleteHint')),
  alreadyRunning: () => new VireoError('ALREADY_RUNNING', msg('error.libvirt.alreadyRunning')),
  noConsole: () => new VireoError('NOT_RUNNING', msg('error.libvirt.noConsole'), msg('error.libvirt.noConsoleHint')),
  consoleNetwork: (listen: string) =>
    new VireoError('INVALID_STATE', msg('error.libvirt.consoleNetwork', { listen }), msg('error.libvirt.consoleNetworkHint')),
  virshFailed: (uri: string, line: string) => new VireoError('COMMAND_FAILED', msg('error.libvirt.virshFailed', { uri, line }), undefined, { uri }),
  hasNoDomain: (uri: string) => new VireoError('NOT_FOUND', msg('error.libvirt.hasNoDomain', { uri }), msg('error.libvirt.hasNoDomainHint'), { uri }),
  connectionExists: (uri: string) => new VireoError('ALREADY_EXISTS', msg('error.libvirt.connectionExists', { uri }), undefined, { field: 'uri' }),
  noSuchConnection: (uri: string) =>
    new VireoError('NOT_FOUND', msg('error.libvirt.noSuchConnection', { uri }), msg('error.libvirt.noSuchConnectionHint'), { field: 'uri' }),
  noPool: (uri: string, pool: string) =>
    new VireoError('INVALID_STATE', msg('error.libvirt.noPool', { uri, pool }), msg('error.libvirt.noPoolHint', { pool }), { uri, pool }),
  volumeExists: (uri: string, pool: string, volume: string) =>
    new VireoError('ALREADY_EXISTS', msg('error.libvirt.volumeExists', { uri, pool, volume }), msg('error.libvirt.volumeExistsHint'), { field: 'name' }),
  /** The domain is defined and kept (its disk may hold an upload): say so, and which. */
  createdNotStarted: (name: string, id: string, error: unknown) => {
    const info = toErrorInfo(error)
    return new VireoError(info.code, msg('error.vm.createdNotStarted', { name, reason: info.messageText ?? info.message }), info.hintText, { ...info.details, createdId: id })
  },
  onlyResources: (keys: string) =>
    new VireoError('INVALID_INPUT', msg('error.libvirt.onlyResources', { keys }), msg('error.libvirt.onlyResourcesHint'), { field: 'changes' }),
  shutDownFirst: (what: 'settings' | 'clone' | 'migrate') =>
    new VireoError('ALREADY_RUNNING', msg('error.libvirt.shutDownFirst', { what: msg(shutDownWhat[what]) }), msg('error.libvirt.shutDownFirstHint')),
  noCdDrive: () => new VireoError('INVALID_STATE', msg('error.libvirt.noCdDrive'), msg('error.libvirt.noCdDriveHint')),
  diskNotInPool: (path: string) => new VireoError('INVALID_STATE', msg('error.libvirt.diskNotInPool', { path }), msg('error.libvirt.diskNotInPoolHint')),
  alreadyOnTarget: (name: string, uri: string) =>
    new VireoError('ALREADY_EXISTS', msg('error.libvirt.alreadyOnTarget', { name, uri }), msg('error.libvirt.alreadyOnTargetHint'), { field: 'toConnection' }),
  migrateNeedsLibvirt: () => new VireoError('INVALID_INPUT', msg('error.libvirt.migrateNeedsLibvirt'), msg('error.libvirt.migrateNeedsLibvirtHint'), { field: 'toConnection' }),
  badCreateId: () => new VireoError('INVALID_INPUT', msg('error.libvirt.badCreateId'), msg('error.libvirt.badCreateIdHint'), { field: 'id' }),
  commandParam: (uri: string) =>
    new VireoError('INVALID_INPUT', msg('error.libvirt.commandParam', { uri }), msg('error.libvirt.commandParamHint'), { field: 'uri' }),
} as const

/** Whether an error is about the link to libvirt (the connection fails), not about one VM. */
export function isLinkFailure(error: unknown): boolean {
  return error instanceof VireoError && error.details?.libvirtLink === true
}
