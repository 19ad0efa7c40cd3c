import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { browseRoots } from './files/file-browser'
import { resolvePaths } from './paths'
import { readSettings, settingsFile, writeSettings } from './settings'

const scratch = mkdtempSync(join(tmpdir(), 'vireo-settings-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let n = 0
/** A config folder of the test's own, with a settings file holding `text` (none if undefined). */
function configWith(text?: string): { env: NodeJS.ProcessEnv; file: string } {
  const env = { HOME: scratch, XDG_CONFIG_HOME: join(scratch, `config-${n++}`) }
  const file = settingsFile(env)
  if (text !== undefined) {
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, text)
  }
  return { env, file }
}

describe('settings', () => {
  it('live in $XDG_CONFIG_HOME/vireo/settings.json, else ~/.config', () => {
    expect(settingsFile({ XDG_CONFIG_HOME: '/cfg', HOME: '/home/ann' })).toBe(
      '/cfg/vireo/settings.json',
    )
    expect(settingsFile({ HOME: '/home/ann' })).toBe('/home/ann/.config/vireo/settings.json')
  })

  it('are the defaults where there is no file', () => {
    expect(readSettings(configWith().file)).toEqual({
      version: 1,
      isoFolders: [],
      defaultAccel: 'auto',
      theme: 'system',
      consoleReleaseChord: 'ctrl-alt',
      connections: [],
    })
  })

  it('are written atomically in a private folder and read back, keeping keys this version does not know', async () => {
    const { file } = configWith()
    const settings = {
      ...readSettings(file),
      vmFolder: '/srv/vms',
      theme: 'dark' as const,
      connections: [{ uri: 'qemu:///system' }],
    }
    await writeSettings(settings, file)
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700)
    expect(readSettings(file)).toEqual(settings)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      connections: [{ uri: 'qemu:///system' }],
    })
  })

  it('refuses a broken file, naming it, the key at fault and what to do', () => {
    const cases: [string, RegExp][] = [
      ['{ not json', /is not usable: it is not JSON/],
      ['{"theme": "purple"}', /is not usable: theme: /],
      ['{"vmFolder": "vms"}', /is not usable: vmFolder: must be an absolute path/],
      [
        '{"isoFolders": ["/isos", "isos"]}',
        /is not usable: isoFolders\.1: must be an absolute path/,
      ],
      ['{"version": 2}', /is not usable: version: /],
    ]
    for (const [text, message] of cases) {
      const { file } = configWith(text)
      expect(() => readSettings(file), text).toThrow(message)
      try {
        readSettings(file)
      } catch (error) {
        expect((error as Error).message).toContain(file)
        expect((error as { hint?: string }).hint).toMatch(/Fix or delete that file/)
      }
    }
  })

  it('give the VM folder where VIREO_HOME does not, which still overrides them', () => {
    const { env } = configWith('{"vmFolder": "/srv/vireo-vms"}')
    expect(resolvePaths(env).home).toBe('/srv/vireo-vms')
    expect(resolvePaths({ ...env, VIREO_HOME: '/tmp/mine' }).home).toBe('/tmp/mine')
    expect(resolvePaths({ ...configWith().env, XDG_DATA_HOME: '/data' }).home).toBe('/data/vireo')
  })

  it('add their ISO folders to what the file browser and the ISO search may see, unless VIREO_ISO_DIRS says', () => {
    const { env } = configWith('{"isoFolders": ["/srv/isos", "/mnt/images"]}')
    expect(browseRoots(env)).toEqual(expect.arrayContaining(['/srv/isos', '/mnt/images']))
    expect(browseRoots({ ...env, VIREO_ISO_DIRS: '/only/these' })).not.toContain('/srv/isos')
    expect(browseRoots({ ...env, VIREO_ISO_DIRS: '/only/these' })).toContain('/only/these')
  })
})
