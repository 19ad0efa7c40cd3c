import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, vireoBin } from './testing/cli-home'

// The CLI reads the settings file every front end shares ($XDG_CONFIG_HOME/vireo/settings.json);
// environment variables still override it.
const scratch = mkdtempSync(join(tmpdir(), 'vireo-cli-settings-'))
const config = join(scratch, 'config')
const vmFolder = join(scratch, 'from-settings')
beforeAll(() => {
  requireBuild()
  mkdirSync(join(config, 'vireo'), { recursive: true })
  writeFileSync(
    join(config, 'vireo', 'settings.json'),
    JSON.stringify({ vmFolder, defaultAccel: 'tcg' }),
  )
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const vireo = (env: Record<string, string>, ...args: string[]) =>
  execa(process.execPath, [vireoBin, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      XDG_CONFIG_HOME: config,
      XDG_RUNTIME_DIR: join(scratch, 'run'),
      ...env,
    },
    extendEnv: false,
    reject: false,
  })

describe('vireo and the settings file', () => {
  it("keeps VMs in the settings' VM folder, unless VIREO_HOME says otherwise", async () => {
    mkdirSync(join(scratch, 'run'), { mode: 0o700 })
    const made = await vireo({}, 'create', '--name', 'in-settings', '--json')
    expect(made.exitCode, made.stderr).toBe(0)
    expect(JSON.parse(made.stdout).dir).toContain(join(vmFolder, 'vms'))
    const elsewhere = await vireo({ VIREO_HOME: join(scratch, 'env-home') }, 'list', '--names')
    expect(elsewhere.stdout).toBe('')
  })

  it("gives a new VM the settings' accelerator unless --accel is given", async () => {
    const home = { VIREO_HOME: join(scratch, 'accel-home') }
    const byDefault = JSON.parse((await vireo(home, 'create', '--name', 'a', '--json')).stdout)
    expect(byDefault.config.accel).toBe('tcg')
    const asked = JSON.parse(
      (await vireo(home, 'create', '--name', 'b', '--accel', 'auto', '--json')).stdout,
    )
    expect(asked.config.accel).toBe('auto')
  })

  it('refuses to guess past a broken settings file, naming it', async () => {
    const broken = join(scratch, 'broken')
    mkdirSync(join(broken, 'vireo'), { recursive: true })
    writeFileSync(join(broken, 'vireo', 'settings.json'), '{"theme": "purple"}')
    const r = await vireo({ XDG_CONFIG_HOME: broken }, 'list')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(
      `The settings file ${join(broken, 'vireo', 'settings.json')} is not usable: theme:`,
    )
  })

  it('shows, sets and resets the settings with vireo settings, saying what an environment variable decides', async () => {
    const own = join(scratch, 'own-config')
    const env = { XDG_CONFIG_HOME: own, VIREO_HOME: join(scratch, 'settings-home'), LANG: 'C' }
    const file = join(own, 'vireo', 'settings.json')
    // A relative folder is made absolute from the current folder (the test's, as the child's).
    const set = await vireo(env, 'settings', 'set', 'isoFolders', '/srv/isos', 'relative-isos')
    expect(set.exitCode, set.stderr).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8')).isoFolders).toEqual(['/srv/isos', resolve('relative-isos')])
    await vireo(env, 'settings', 'set', 'theme', 'dark')
    const got = await vireo(env, 'settings', 'get')
    expect(got.stdout).toContain(`Settings file: ${file}`)
    expect(got.stdout).toContain('theme: dark')
    expect(got.stdout).toContain(`set by VIREO_HOME now: ${env.VIREO_HOME}`)
    expect(JSON.parse((await vireo(env, 'settings', 'get', 'theme', '--json')).stdout)).toBe('dark')
    await vireo(env, 'settings', 'reset', 'theme')
    expect(JSON.parse(readFileSync(file, 'utf8')).theme).toBe('system')
    const bad = await vireo(env, 'settings', 'set', 'theme', 'purple')
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toMatch(/theme/)
    const unknown = await vireo(env, 'settings', 'set', 'colour', 'red')
    expect(unknown.stderr).toContain('There is no setting “colour”')
    const chinese = await vireo({ ...env, LANG: 'zh_CN.UTF-8' }, 'settings', 'get', 'theme')
    expect(chinese.stdout).toContain('设置文件')
  })
})
