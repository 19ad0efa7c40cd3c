import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectionsFilePath, readConnections, writeConnections } from './connections-file'

describe('the saved connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vireo-connections-file-'))

  it('lives in the XDG config folder, else ~/.config', () => {
    expect(connectionsFilePath({ XDG_CONFIG_HOME: '/x/config' })).toBe('/x/config/vireo/connections.json')
    expect(connectionsFilePath({ XDG_CONFIG_HOME: '' })).toMatch(/\/\.config\/vireo\/connections\.json$/)
  })

  it('is none before the first is added; written and read back in order, the folder made', async () => {
    const file = join(dir, 'a', 'vireo', 'connections.json')
    expect(await readConnections(file)).toEqual([])
    await writeConnections(file, ['qemu:///system', 'qemu+ssh://ada@host/system'])
    expect(await readConnections(file)).toEqual(['qemu:///system', 'qemu+ssh://ada@host/system'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 })
  })

  it('a file that is not the list is said so, with what to do', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{ nope')
    await expect(readConnections(file)).rejects.toThrow(/cannot be read: it is not JSON/)
    writeFileSync(file, '{"version":1}')
    await expect(readConnections(file)).rejects.toMatchObject({ code: 'INVALID_STATE', hint: expect.stringMatching(/Fix or remove that file/) })
  })
})
