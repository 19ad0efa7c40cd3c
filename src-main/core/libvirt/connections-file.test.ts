import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SettingsService } from '../settings-service'
import { changeConnections, connectionsFilePath, readConnections } from './connections-file'

describe('the saved connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vireo-connections-file-'))

  it('live in the settings file, in the XDG config folder, else ~/.config', () => {
    expect(connectionsFilePath({ XDG_CONFIG_HOME: '/x/config' })).toBe('/x/config/vireo/settings.json')
    expect(connectionsFilePath({ XDG_CONFIG_HOME: '' })).toMatch(/\/\.config\/vireo\/settings\.json$/)
  })

  it('are none before the first is added; written and read back in order, the folder made, other settings kept', async () => {
    const file = join(dir, 'a', 'vireo', 'settings.json')
    expect(await readConnections(file)).toEqual([])
    mkdirSync(join(dir, 'a', 'vireo'), { recursive: true })
    writeFileSync(file, JSON.stringify({ version: 1, theme: 'dark', fromANewerVireo: 7 }))
    await changeConnections(file, () => ['qemu:///system', 'qemu+ssh://ada@host/system'])
    expect(await readConnections(file)).toEqual(['qemu:///system', 'qemu+ssh://ada@host/system'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, theme: 'dark', fromANewerVireo: 7 })
  })

  it('a connection added while the settings change loses neither', async () => {
    const file = join(dir, 'b', 'vireo', 'settings.json')
    const settings = new SettingsService({ env: { XDG_CONFIG_HOME: join(dir, 'b') }, vmFolderInUse: dir })
    await Promise.all([
      changeConnections(file, (uris) => [...uris, 'qemu:///system']),
      settings.update({ theme: 'light' }),
      changeConnections(file, (uris) => [...uris, 'qemu:///session']),
      settings.update({ defaultAccel: 'tcg' }),
    ])
    expect(await readConnections(file)).toEqual(['qemu:///system', 'qemu:///session'])
    expect(settings.get().values).toMatchObject({ theme: 'light', defaultAccel: 'tcg' })
  })

  it('a broken settings file is said so, with what to do, and is not overwritten', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{ nope')
    await expect(readConnections(file)).rejects.toThrow(/is not usable: it is not JSON/)
    await expect(changeConnections(file, () => ['qemu:///system'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      hint: expect.stringMatching(/Fix or delete that file/),
    })
    expect(readFileSync(file, 'utf8')).toBe('{ nope')
  })
})
