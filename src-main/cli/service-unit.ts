import { homedir } from 'node:os'
import { join } from 'node:path'

/** The systemd user service that runs `vireo web`: its name, where it and its token live. */
export const SERVICE = 'vireo-web.service'

/** Where the installed server package keeps the command's code, and its launcher. */
const PACKAGED_CLI = '/usr/lib/vireo/out/main/cli.js'
const PACKAGED_LAUNCHER = '/usr/bin/vireo'

export interface ServicePaths {
  /** `$XDG_CONFIG_HOME/systemd/user/vireo-web.service` (systemd's own place for it). */
  unit: string
  /** `$XDG_CONFIG_HOME/vireo`: private (0700). */
  configDir: string
  /** The web host's token, in that folder, mode 600. */
  tokenFile: string
}

export function servicePaths(env: NodeJS.ProcessEnv): ServicePaths {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  const configDir = join(config, 'vireo')
  return {
    unit: join(config, 'systemd', 'user', SERVICE),
    configDir,
    tokenFile: join(configDir, 'web-token'),
  }
}

/**
 * The command that runs this `vireo`: /usr/bin/vireo when it is the installed package's, else
 * this Node.js on this script (a checkout's bin/vireo.js), so the service runs what was asked.
 */
export function vireoCommand(execPath: string, script: string): string[] {
  return script === PACKAGED_CLI ? [PACKAGED_LAUNCHER] : [execPath, script]
}

/**
 * One word of a systemd command line (or, `exec` false, an Environment= assignment):
 * double-quoted, with `\` and `"` escaped and `%` (a specifier) doubled, and on a command line
 * `$` (a variable) doubled too, so that systemd passes it as it is.
 */
export function systemdWord(word: string, exec = true): string {
  const escaped = word.replace(/[\\"]/g, '\\$&').replaceAll('%', '%%')
  return `"${exec ? escaped.replaceAll('$', '$$$$') : escaped}"`
}

export interface UnitOptions {
  command: readonly string[]
  tokenFile: string
  host: string
  port: number
  /** The VIREO_HOME the service should serve, when it is not the default. */
  vireoHome?: string | undefined
}

/**
 * The unit file. KillMode=process: stopping the web host must not take the VMs with it (they
 * are started detached, as from any front end, but live in the service's cgroup).
 */
export function serviceUnit(o: UnitOptions): string {
  const argv = [
    ...o.command,
    'web',
    '--host',
    o.host,
    '--port',
    String(o.port),
    '--token-file',
    o.tokenFile,
  ]
  return [
    '# Written by `vireo service install`; `vireo service uninstall` removes it.',
    '[Unit]',
    'Description=Vireo web host (the VM manager on loopback)',
    'Documentation=https://github.com/vireo/vireo',
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${argv.map((word) => systemdWord(word)).join(' ')}`,
    ...(o.vireoHome === undefined
      ? []
      : [`Environment=${systemdWord(`VIREO_HOME=${o.vireoHome}`, false)}`]),
    'Restart=on-failure',
    'RestartSec=5',
    '# The VMs this host starts outlive it, as they outlive the app: only vireo web is stopped.',
    'KillMode=process',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

/** The address the unit serves on, read back from its ExecStart (null when it is not ours). */
export function unitAddress(unit: string): { host: string; port: number } | null {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? ''
  const host = /"--host" "([^"]+)"/.exec(exec)?.[1]
  const port = /"--port" "(\d+)"/.exec(exec)?.[1]
  return host === undefined || port === undefined ? null : { host, port: Number(port) }
}

/** What a headless host needs for a user service to run without a login, and from boot. */
export function lingerAdvice(user: string): string {
  return (
    `A user's services run only while that user is logged in. On a headless host, let ${user}'s ` +
    `run from boot and after logout: sudo loginctl enable-linger ${user}`
  )
}
