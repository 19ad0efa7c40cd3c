import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname } from 'node:path'
import { execa } from 'execa'
import { msg, VireoError } from '../core/errors'
import { writeFileAtomic } from '../core/fs-atomic'
import { newToken } from '../web/auth'
import { intOption, type CliValues } from './args'
import { webToken } from './web-token'
import {
  lingerAdvice,
  SERVICE,
  serviceUnit,
  servicePaths,
  unitAddress,
  vireoCommand,
} from './service-unit'

/**
 * `vireo service install|uninstall|status`: `vireo web` as a systemd user service, with its
 * token in a private file. Where systemd's user manager cannot be reached (no systemctl, no
 * user session bus: a container, an SSH session without lingering), the unit is still written,
 * and the command says what to run and exits 1.
 */
export async function runService(rest: string[], values: CliValues): Promise<number> {
  const [action] = rest
  const paths = servicePaths(process.env)
  const user = userInfo().username
  switch (action) {
    case 'install':
      return install(paths, user, values)
    case 'uninstall':
      return uninstall(paths)
    case 'status':
      return status(paths, user)
    default:
      throw new VireoError(
        'INVALID_INPUT',
        action === undefined ? msg('error.service.needsAction') : msg('error.service.unknownAction', { action }),
        msg('error.service.actionsHint'),
      )
  }
}

type Paths = ReturnType<typeof servicePaths>

/** `systemctl --user ARGS`: whether it succeeded, and what it said (or that it is missing). */
async function systemctl(...args: string[]): Promise<{ ok: boolean; output: string }> {
  const r = await execa('systemctl', ['--user', ...args], { reject: false })
  if (r.failed && r.exitCode === undefined)
    return { ok: false, output: 'systemctl is not installed' }
  return { ok: r.exitCode === 0, output: `${r.stdout}\n${r.stderr}`.trim() }
}

async function install(paths: Paths, user: string, values: CliValues): Promise<number> {
  const host = values.host ?? '127.0.0.1'
  const port = intOption(values, 'port') ?? 8765
  mkdirSync(paths.configDir, { recursive: true, mode: 0o700 })
  chmodSync(paths.configDir, 0o700)
  if (!existsSync(paths.tokenFile))
    writeFileSync(paths.tokenFile, `${newToken()}\n`, { mode: 0o600, flag: 'wx' })
  // An old token file is used as it is, if `vireo web` would accept it (it says what to fix).
  webToken({ tokenFile: paths.tokenFile }, {})
  mkdirSync(dirname(paths.unit), { recursive: true })
  await writeFileAtomic(
    paths.unit,
    serviceUnit({
      command: vireoCommand(process.execPath, process.argv[1] ?? ''),
      tokenFile: paths.tokenFile,
      host,
      port,
      vireoHome: process.env.VIREO_HOME,
    }),
  )
  console.log(
    `Wrote ${paths.unit} (vireo web on ${host}:${port}); its token is in ${paths.tokenFile}.`,
  )
  const reload = await systemctl('daemon-reload')
  const enable = reload.ok ? await systemctl('enable', '--now', SERVICE) : reload
  if (!enable.ok) {
    throw new VireoError(
      'COMMAND_FAILED',
      msg('error.service.notStarted', { why: firstLine(enable.output) }),
      msg('error.service.notStartedHint', {
        user,
        service: SERVICE,
        host,
        port,
        tokenFile: paths.tokenFile,
        linger: lingerAdvice(user),
      }),
    )
  }
  console.log(`Started ${SERVICE}; it starts again with your user session.`)
  console.log(lingerAdvice(user))
  return status(paths, user)
}

async function uninstall(paths: Paths): Promise<number> {
  if (!existsSync(paths.unit)) {
    console.log(`${SERVICE} is not installed (no ${paths.unit}).`)
    return 0
  }
  const disable = await systemctl('disable', '--now', SERVICE)
  rmSync(paths.unit)
  if (disable.ok) await systemctl('daemon-reload')
  console.log(
    `Removed ${paths.unit}${disable.ok ? ` and stopped ${SERVICE}` : ''}. VMs it started keep running.`,
  )
  if (!disable.ok)
    console.log(`(systemd's user manager was not reached: ${firstLine(disable.output)}.)`)
  console.log(
    `The token file ${paths.tokenFile} is kept; delete it for a new token on the next install.`,
  )
  return 0
}

/** What is installed and running, and where its URL and token are. 0 when it runs, 3 when not. */
async function status(paths: Paths, user: string): Promise<number> {
  if (!existsSync(paths.unit)) {
    console.log(`${SERVICE}: not installed (vireo service install sets it up).`)
    return 3
  }
  const address = unitAddress(readFileSync(paths.unit, 'utf8')) ?? { host: '127.0.0.1', port: 8765 }
  const active = await systemctl('is-active', SERVICE)
  const enabled = await systemctl('is-enabled', SERVICE)
  const running = active.ok && firstLine(active.output) === 'active'
  console.log(
    `${SERVICE}: ${running ? 'running' : 'not running'} (${firstLine(active.output)}; ${firstLine(enabled.output)})`,
  )
  console.log(`Unit: ${paths.unit}`)
  const base = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}/`
  console.log(`URL: ${base} — its token is in ${paths.tokenFile}; open:`)
  console.log(`  ${base}?token=$(cat ${paths.tokenFile})`)
  console.log(
    `From another machine: ssh -L ${address.port}:127.0.0.1:${address.port} THIS-HOST, then the same URL.`,
  )
  console.log(`Its log (the URL is printed there too): journalctl --user -u ${SERVICE}`)
  const linger = await execa('loginctl', ['show-user', user, '--property=Linger', '--value'], {
    reject: false,
  })
  if (linger.exitCode === 0 && linger.stdout.trim() !== 'yes') console.log(lingerAdvice(user))
  return running ? 0 : 3
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() || 'no answer'
}
