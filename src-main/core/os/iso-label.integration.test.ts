import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { readIsoLabel } from './iso-label'

const dir = mkdtempSync(join(tmpdir(), 'vireo-iso-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readIsoLabel (real ISOs made with xorriso)', () => {
  it('reads the volume label of an ISO 9660 image', async () => {
    const content = join(dir, 'content')
    mkdirSync(content)
    writeFileSync(join(content, 'README'), 'hello')
    const iso = join(dir, 'debian.iso')
    await execa('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'Debian 12.5.0 amd64 n', '-o', iso, content])
    const { label, sizeBytes } = await readIsoLabel(iso)
    expect(label).toBe('Debian 12.5.0 amd64 n')
    expect(sizeBytes).toBeGreaterThan(32768)
  })

  it('refuses a file that is not an ISO, saying what to do', async () => {
    const notIso = join(dir, 'disk.qcow2')
    writeFileSync(notIso, Buffer.alloc(64 * 1024, 7))
    await expect(readIsoLabel(notIso)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not an ISO/) })
  })

  it('refuses a folder, a missing file and an unreadable file with clear errors', async () => {
    await expect(readIsoLabel(dir)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/folder/) })
    await expect(readIsoLabel(join(dir, 'nope.iso'))).rejects.toMatchObject({ code: 'FILE_MISSING' })
    const secret = join(dir, 'secret.iso')
    writeFileSync(secret, 'x')
    chmodSync(secret, 0o000)
    // root can read anything: only check the permission message where it applies.
    if (process.getuid?.() !== 0) {
      await expect(readIsoLabel(secret)).rejects.toMatchObject({ message: expect.stringMatching(/permission/) })
    } else {
      await expect(readIsoLabel(secret)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
  })
})
