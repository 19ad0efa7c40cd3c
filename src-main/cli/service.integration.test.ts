import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, vireoBin } from './testing/cli-home'

// `vireo service` from the built CLI, in a throwaway home, where systemd's user manager cannot
// be reached: without systemctl on PATH, and with the real systemctl but no user bus (an empty
// XDG_RUNTIME_DIR and no DBUS_SESSION_BUS_ADDRESS), so no test ever enables a real service.
const scratch = mkdtempSync(join(tmpdir(), 'vireo-service-'))
const config = join(scratch, 'config')
const unit = join(config, 'systemd', 'user', 'vireo-web.service')
const tokenFile = join(config, 'vireo', 'web-token')
beforeAll(() => requireBuild())
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const vireo = (path: string, ...args: string[]) =>
  execa(process.execPath, [vireoBin, 'service', ...args], {
    env: {
      HOME: scratch,
      XDG_CONFIG_HOME: config,
      XDG_RUNTIME_DIR: scratch,
      PATH: path,
      VIREO_HOME: join(scratch, 'vms'),
    },
    extendEnv: false,
    reject: false,
  })
const noSystemctl = join(scratch, 'empty-path')

describe('vireo service', () => {
  it('install writes the unit and a private token, and without systemd says what to run', async () => {
    const r = await vireo(noSystemctl, 'install', '--port', '8799')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain(`Wrote ${unit}`)
    expect(r.stderr).toMatch(
      /not started: systemd's user manager cannot be reached \(systemctl is not installed\)/,
    )
    expect(r.stderr).toContain(
      'systemctl --user daemon-reload && systemctl --user enable --now vireo-web.service',
    )
    expect(r.stderr).toContain(`vireo web --host 127.0.0.1 --port 8799 --token-file ${tokenFile}`)
    expect(r.stderr).toMatch(/sudo loginctl enable-linger \S+/)
    expect(readFileSync(unit, 'utf8')).toContain(
      `ExecStart="${process.execPath}" "${vireoBin}" "web" "--host" "127.0.0.1" "--port" "8799" "--token-file" "${tokenFile}"`,
    )
    expect(readFileSync(unit, 'utf8')).toContain(`Environment="VIREO_HOME=${join(scratch, 'vms')}"`)
    expect(statSync(join(config, 'vireo')).mode & 0o777).toBe(0o700)
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(tokenFile, 'utf8')).toMatch(/^[\w-]{32,}\n$/)
  })

  it('writes a unit that systemd-analyze verify passes', async (ctx) => {
    const which = await execa('sh', ['-c', 'command -v systemd-analyze'], { reject: false })
    if (which.exitCode !== 0) ctx.skip('systemd-analyze is not installed (Debian: systemd)')
    const r = await execa('systemd-analyze', ['--user', 'verify', unit], {
      env: { XDG_RUNTIME_DIR: scratch, HOME: scratch, XDG_CONFIG_HOME: config },
      reject: false,
    })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
  })

  it('install again keeps the token; with systemctl but no user manager, says so', async () => {
    const token = readFileSync(tokenFile, 'utf8')
    const r = await vireo('/usr/bin:/bin', 'install', '--port', '8799')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/not started: systemd's user manager cannot be reached \(.+\)/)
    expect(readFileSync(tokenFile, 'utf8')).toBe(token)
  })

  it('status says where the URL and the token are, and that it is not running (exit 3)', async () => {
    const r = await vireo(noSystemctl, 'status')
    expect(r.exitCode).toBe(3)
    expect(r.stdout).toContain('vireo-web.service: not running')
    expect(r.stdout).toContain(`URL: http://127.0.0.1:8799/ — its token is in ${tokenFile}`)
    expect(r.stdout).toContain(`http://127.0.0.1:8799/?token=$(cat ${tokenFile})`)
  })

  it('uninstall removes the unit and keeps the token; status then says not installed', async () => {
    const r = await vireo(noSystemctl, 'uninstall')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(`Removed ${unit}`)
    expect(() => statSync(unit)).toThrow()
    expect(statSync(tokenFile).isFile()).toBe(true)
    const after = await vireo(noSystemctl, 'status')
    expect(after.exitCode).toBe(3)
    expect(after.stdout).toContain('not installed')
  })

  it('refuses an unknown action, saying which there are', async () => {
    const r = await vireo(noSystemctl, 'start')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('vireo service install')
  })
})
