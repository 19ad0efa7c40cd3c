import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
})
