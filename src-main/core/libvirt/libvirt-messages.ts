import { VireoError } from '../errors'

/**
 * Every text a libvirt connection shows a user, in one place (so that they move into the
 * message catalogue together): what went wrong, in words, and what to do next.
 */
export const libvirtMessages = {
  notYet: (what: string) =>
    new VireoError('INVALID_STATE', `${what} is not available on libvirt connections yet.`, 'Use virt-manager or virsh for it meanwhile, or a VM on this computer.', { libvirt: 'not-yet' }),
  badUri: (uri: string, why: string) =>
    new VireoError('INVALID_INPUT', `“${uri}” is not a libvirt URI Vireo can use: ${why}.`, 'Use one such as qemu:///system, qemu:///session or qemu+ssh://user@host/system.', { field: 'uri' }),
  libvirtdDown: (uri: string) =>
    new VireoError('HOST_UNSUPPORTED', `libvirt is not running at ${uri}.`, 'Start it (sudo systemctl start libvirtd, or libvirtd -d without systemd), then try again.', { libvirtLink: true, uri }),
  connectionLost: (uri: string) =>
    new VireoError('COMMAND_FAILED', `The connection to libvirt at ${uri} was lost during the call.`, 'libvirtd may have stopped or restarted; check it runs, then try again.', { libvirtLink: true, uri }),
  unreachable: (host: string, why: string) =>
    new VireoError('COMMAND_FAILED', `The host ${host} cannot be reached: ${why}.`, 'Check the host name, that the machine is on and that ssh runs there (try: ssh <host>).', { libvirtLink: true, host }),
  keyRefused: (host: string) =>
    new VireoError('UNAUTHORIZED', `${host} refused your SSH key.`, 'Vireo logs in with your SSH keys and agent only (no passwords): add your public key to ~/.ssh/authorized_keys there, or name a key with ?keyfile= in the URI.', { libvirtLink: true, host }),
  hostKeyUnknown: (host: string) =>
    new VireoError('UNAUTHORIZED', `The SSH host key of ${host} is not known to this computer, or has changed.`, `Vireo never accepts a host key by itself: connect once with ssh ${host} in a terminal, check the fingerprint and accept it, then try again.`, { libvirtLink: true, host, hostKey: 'unknown' }),
  permission: (uri: string) =>
    new VireoError('UNAUTHORIZED', `You may not use libvirt at ${uri}.`, 'Add yourself to the libvirt group (then log in again), or use qemu:///session.', { libvirtLink: true, uri }),
  domainGone: (uri: string) =>
    new VireoError('NOT_FOUND', `This VM is no longer defined at ${uri}: it was deleted or undefined meanwhile.`, 'Refresh the list.', { uri }),
  notRunning: () =>
    new VireoError('NOT_RUNNING', 'This VM is not running.', 'Start it first.'),
  runningNoDelete: () =>
    new VireoError('ALREADY_RUNNING', 'This VM is running; it can be deleted once it is off.', 'Shut it down or force it off first.'),
  alreadyRunning: () =>
    new VireoError('ALREADY_RUNNING', 'This VM is already running.'),
  noConsole: () =>
    new VireoError('NOT_RUNNING', 'This VM has no VNC console now (it is not running, or its display is not VNC).', 'Start it; a VM with SPICE only can be reached with virt-viewer.'),
  consoleNetwork: (listen: string) =>
    new VireoError('INVALID_STATE', `This VM's VNC console listens on ${listen}, not on this computer only.`, 'Vireo opens consoles on a UNIX socket or 127.0.0.1 only; change the VM’s display to listen on 127.0.0.1 (virsh edit).'),
  virshFailed: (uri: string, line: string) =>
    new VireoError('COMMAND_FAILED', `libvirt at ${uri} refused: ${line}`, undefined, { uri }),
  badOutput: (what: string) =>
    new VireoError('INTERNAL', `virsh printed ${what} Vireo cannot read.`, 'This is a bug in Vireo; please report it with your libvirt version.'),
  hasNoDomain: (uri: string) =>
    new VireoError('NOT_FOUND', `There is no VM with that id at ${uri}.`, 'Refresh the list (vireo --connect URI list).', { uri }),
  connectionExists: (uri: string) =>
    new VireoError('ALREADY_EXISTS', `The connection ${uri} is already in the list.`, undefined, { field: 'uri' }),
  noSuchConnection: (uri: string) =>
    new VireoError('NOT_FOUND', `There is no connection ${uri}.`, 'See vireo connections list.', { field: 'uri' }),
  commandParam: (uri: string) =>
    new VireoError('INVALID_INPUT', `“${uri}” names a program to run (?command=), which Vireo does not save from a request.`, 'Set ssh options in ~/.ssh/config instead, or use vireo --connect with that URI yourself.', { field: 'uri' }),
  settingsUnreadable: (path: string, why: string) =>
    new VireoError('INVALID_STATE', `The list of connections in ${path} cannot be read: ${why}.`, 'Fix or remove that file; Vireo writes it again when you add a connection.', { path }),
} as const

/** Whether an error is about the link to libvirt (the connection fails), not about one VM. */
export function isLinkFailure(error: unknown): boolean {
  return error instanceof VireoError && error.details?.libvirtLink === true
}
