/**
 * What shell completion offers, per command: its options, and what its positionals are. Kept
 * beside the usage text in args.ts; completion.test.ts checks that every option named here is
 * one the parser knows, and that every command of the usage text is here.
 */
export type Positional = 'vm' | 'file' | readonly string[]

export interface CommandGrammar {
  options: readonly string[]
  /** The positionals after the command, in order (a fixed list of words, a VM or a file). */
  positionals: readonly Positional[]
}

const vmOnly: CommandGrammar = { options: ['--json', '--connect'], positionals: ['vm'] }

export const grammar: Record<string, CommandGrammar> = {
  host: { options: ['--json', '--refresh', '--connect'], positionals: [['check']] },
  create: {
    options: [
      '--name',
      '--iso',
      '--drivers-iso',
      '--import',
      '--disk-size',
      '--disk-format',
      '--memory',
      '--cpus',
      '--firmware',
      '--accel',
      '--start',
      '--json',
      '--connect',
    ],
    positionals: [],
  },
  list: { options: ['--json', '--names', '--connect'], positionals: [] },
  info: vmOnly,
  start: vmOnly,
  shutdown: { options: ['--timeout', '--json', '--connect'], positionals: ['vm'] },
  stop: vmOnly,
  reboot: vmOnly,
  pause: vmOnly,
  resume: vmOnly,
  eject: vmOnly,
  insert: { options: ['--json', '--connect'], positionals: ['vm', 'file'] },
  screenshot: { options: ['--json', '--connect'], positionals: ['vm', 'file'] },
  logs: { options: ['--log', '--lines', '--json', '--connect'], positionals: ['vm'] },
  clone: { options: ['--name', '--json', '--connect'], positionals: ['vm'] },
  migrate: { options: ['--to', '--json', '--connect'], positionals: ['vm'] },
  set: {
    options: [
      '--name',
      '--memory',
      '--cpus',
      '--firmware',
      '--accel',
      '--boot',
      '--iso',
      '--eject',
      '--second-iso',
      '--nic',
      '--disk-bus',
      '--disk-size',
      '--rtc',
      '--tablet',
      '--hyperv',
      '--tpm',
      '--secure-boot',
      '--port-forward',
      '--json',
      '--connect',
    ],
    positionals: ['vm'],
  },
  disk: {
    options: ['--size', '--existing', '--bus', '--disk-format', '--delete-file', '--yes', '--json', '--connect'],
    positionals: [['list', 'add', 'remove'], 'vm'],
  },
  snapshot: {
    options: ['--yes', '--json', '--connect'],
    positionals: [['list', 'take', 'revert', 'delete'], 'vm'],
  },
  delete: { options: ['--delete-disks', '--keep-disks', '--yes', '--json', '--connect'], positionals: ['vm'] },
  settings: {
    options: ['--json'],
    positionals: [
      ['get', 'set', 'reset'],
      ['vmFolder', 'isoFolders', 'defaultAccel', 'theme', 'consoleReleaseChord'],
    ],
  },
  web: { options: ['--host', '--port', '--token-file'], positionals: [] },
  service: { options: ['--host', '--port'], positionals: [['install', 'uninstall', 'status']] },
  completion: { options: [], positionals: [['bash', 'zsh']] },
  connections: { options: ['--json'], positionals: [['list', 'add', 'remove']] },
  help: { options: [], positionals: [] },
}

/** Options that take a value, and the values to offer (a file where the list is empty). */
export const optionValues: Record<string, readonly string[]> = {
  '--iso': [],
  '--drivers-iso': [],
  '--second-iso': [],
  '--existing': [],
  '--nic': ['virtio', 'e1000e'],
  '--bus': ['virtio', 'sata', 'scsi'],
  '--boot': ['disk,cdrom', 'cdrom,disk', 'disk'],
  '--rtc': ['utc', 'localtime'],
  '--tablet': ['on', 'off'],
  '--hyperv': ['on', 'off'],
  '--tpm': ['on', 'off'],
  '--secure-boot': ['on', 'off'],
  '--import': [],
  '--token-file': [],
  '--disk-format': ['qcow2', 'raw'],
  '--firmware': ['bios', 'uefi'],
  '--accel': ['auto', 'kvm', 'tcg'],
  '--log': ['qemu', 'serial'],
  '--connect': ['qemu:///system', 'qemu:///session'],
}
