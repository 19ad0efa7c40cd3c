import { parseArgs } from 'node:util'

/** The CLI's grammar: `vireo <command> [sub] [positionals] [--options]`. */
export const cliOptions = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  /** migrate's target connection (a libvirt URI). */
  to: { type: 'string' },
  iso: { type: 'string' },
  'drivers-iso': { type: 'string' },
  'second-iso': { type: 'string' },
  eject: { type: 'boolean' },
  boot: { type: 'string' },
  nic: { type: 'string' },
  'disk-bus': { type: 'string' },
  rtc: { type: 'string' },
  tablet: { type: 'string' },
  hyperv: { type: 'string' },
  tpm: { type: 'string' },
  'secure-boot': { type: 'string' },
  'port-forward': { type: 'string', multiple: true },
  size: { type: 'string' },
  existing: { type: 'string' },
  bus: { type: 'string' },
  'delete-file': { type: 'boolean' },
  import: { type: 'string' },
  'disk-size': { type: 'string' },
  'disk-format': { type: 'string' },
  memory: { type: 'string' },
  cpus: { type: 'string' },
  firmware: { type: 'string' },
  accel: { type: 'string' },
  start: { type: 'boolean' },
  timeout: { type: 'string' },
  'keep-disks': { type: 'boolean' },
  'delete-disks': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  names: { type: 'boolean' },
  refresh: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  // Refused with what to do instead (a command line is public): see web-token.ts.
  token: { type: 'string' },
  'token-file': { type: 'string' },
  log: { type: 'string' },
  lines: { type: 'string' },
  /** The libvirt URI every VM command addresses (else VIREO_CONNECT, else Vireo's own VMs). */
  connect: { type: 'string', short: 'c' },
} as const

export type CliValues = ReturnType<typeof parse>['values']

export function parse(argv: string[]) {
  return parseArgs({ args: argv, options: cliOptions, allowPositionals: true, strict: true })
}

/** An integer option, or a clear error naming it. */
export function intOption(values: CliValues, name: keyof CliValues): number | undefined {
  const raw = values[name]
  if (raw === undefined || typeof raw !== 'string') return undefined
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} needs a whole number, not “${raw}”.`)
  return Number(raw)
}

export const usage = `Usage: vireo <command> [options]

  host check [--json] [--refresh]   can this machine run VMs? (exit 0 when it can)
  create --name NAME [--iso PATH | --import DISK] [--disk-size SIZE] [--disk-format qcow2|raw]
         [--drivers-iso virtio-win.iso] (Windows: drivers CD, then virtio disk and NIC)
         [--memory MIB] [--cpus N] [--firmware bios|uefi] [--accel auto|kvm|tcg] [--start] [--json]
  list [--json | --names]           VMs with their state (--names: one name a line)
  info VM [--json]                  one VM, with its QEMU command line
  start VM | shutdown VM [--timeout SEC] | stop VM (force off) | reboot VM | pause VM | resume VM
  eject VM | insert VM ISO | screenshot VM FILE.png
  logs VM [--log qemu|serial] [--lines N]
  set VM [--name NAME] [--memory MIB] [--cpus N] [--firmware bios|uefi] [--accel auto|kvm|tcg]
         [--boot disk,cdrom] [--iso PATH | --eject] [--second-iso PATH|none] [--nic virtio|e1000e]
         [--disk-bus virtio,sata,scsi…] [--disk-size SIZE] [--rtc utc|localtime]
         [--tablet on|off] [--hyperv on|off] [--tpm on|off] [--secure-boot on|off]
         [--port-forward [tcp|udp:]HOST:GUEST|none]…
                                    change a VM (hardware only while it is stopped)
  disk list VM | add VM (--size SIZE | --existing FILE) [--bus virtio|sata|scsi]
         | remove VM N [--delete-file] [--yes]   a stopped VM's disks (files kept unless asked)
  clone VM --name NAME [--json]     a full copy of a stopped VM (its own disks)
  migrate VM --to URI [--json]      move a stopped libvirt VM, with its disks, to another libvirt connection
  snapshot list VM | take VM NAME | revert VM NAME [--yes] | delete VM NAME [--yes]
                                    (qcow2 disks; of a running VM, with its memory)
  delete VM [--delete-disks] [--yes]   the definition; its disks are kept (moved to
                                    $VIREO_HOME/kept-disks/) unless --delete-disks
  settings [get [KEY] | set KEY VALUE… | reset KEY] [--json]
                                    the settings every front end shares
                                    ($XDG_CONFIG_HOME/vireo/settings.json): vmFolder (at the
                                    next start), isoFolders, defaultAccel, theme,
                                    consoleReleaseChord; VIREO_HOME, VIREO_ISO_DIRS override
  web [--host 127.0.0.1] [--port N] [--token-file PATH]   serve the UI and API on loopback
                                    (token: VIREO_TOKEN or --token-file, else a random one)
  service install [--host 127.0.0.1] [--port N] | uninstall | status
                                    vireo web as a systemd user service (status: its URL, token)
  completion bash|zsh               a shell completion script (commands, options, VM names)
  connections list [--json] | add URI | remove URI
                                    libvirt connections (qemu:///system, qemu+ssh://user@host/system),
                                    kept in $XDG_CONFIG_HOME/vireo/settings.json

VM is a name or an id. Data lives in $VIREO_HOME (default ~/.local/share/vireo).
--connect URI (-c URI, or VIREO_CONNECT=URI) with a VM command: the VMs of that libvirt
connection instead of Vireo's own, a VM named by its domain name or UUID.
What cannot be undone asks first on a terminal: delete --delete-disks, snapshot revert and
snapshot delete; --yes answers for you. Without a terminal (a script), delete --delete-disks
refuses unless --yes is given; snapshot revert and delete go ahead, as virsh's do.`
