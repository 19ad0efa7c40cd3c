import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SettingsService } from './settings-service'

const scratch = mkdtempSync(join(tmpdir(), 'vireo-settings-service-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let n = 0
function service(env: NodeJS.ProcessEnv = {}): SettingsService {
  return new SettingsService({ env: { HOME: scratch, XDG_CONFIG_HOME: join(scratch, `c${n++}`), ...env }, vmFolderInUse: '/data/vireo' })
}

describe('the settings service', () => {
  it('answers the defaults, the file and the folder in use where there is no file', () => {
    const settings = service()
    expect(settings.get()).toEqual({
      file: settings.file,
      values: { vmFolder: null, isoFolders: [], defaultAccel: 'auto', theme: 'system', consoleReleaseChord: 'ctrl-alt' },
      overrides: {},
      vmFolderInUse: '/data/vireo',
    })
  })

  it('changes only the keys given, null putting back a default, and keeps keys it does not know', async () => {
    const settings = service()
    mkdirSync(join(settings.file, '..'), { recursive: true })
    writeFileSync(settings.file, JSON.stringify({ theme: 'dark', connections: [{ uri: 'qemu:///system' }] }))
    const heard: unknown[] = []
    settings.on('changed', (info) => heard.push(info.values.isoFolders))
    const info = await settings.update({ isoFolders: ['/srv/isos'], theme: null })
    expect(info.values).toMatchObject({ isoFolders: ['/srv/isos'], theme: 'system' })
    expect(heard).toEqual([['/srv/isos']])
    const onDisk = JSON.parse(readFileSync(settings.file, 'utf8'))
    expect(onDisk.connections).toEqual([{ uri: 'qemu:///system' }])
    expect(onDisk.theme).toBe('system')
  })

  it('loses neither of two changes made at once', async () => {
    const settings = service()
    await Promise.all([settings.update({ theme: 'light' }), settings.update({ defaultAccel: 'tcg' })])
    expect(settings.get().values).toMatchObject({ theme: 'light', defaultAccel: 'tcg' })
  })

  it('says which settings an environment variable decides now', () => {
    expect(service({ VIREO_HOME: '/elsewhere', VIREO_ISO_DIRS: '/a:/b' }).get().overrides).toEqual({
      vmFolder: { variable: 'VIREO_HOME', value: '/elsewhere' },
      isoFolders: { variable: 'VIREO_ISO_DIRS', value: '/a:/b' },
    })
  })

  it('refuses to change a broken file, and leaves it as it was', async () => {
    const settings = service()
    mkdirSync(join(settings.file, '..'), { recursive: true })
    writeFileSync(settings.file, '{"theme": "purple"}')
    await expect(settings.update({ theme: 'dark' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`The settings file ${settings.file} is not usable: theme:`),
      hint: expect.stringContaining('Fix or delete that file'),
    })
    expect(readFileSync(settings.file, 'utf8')).toBe('{"theme": "purple"}')
  })
})
