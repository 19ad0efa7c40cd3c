import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { readIsoLabel } from './iso-label'

const dir = mkdtempSync(join(tmpdir(), 'vireo-iso-'))
const NOBODY = 65534
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readIsoLabel (real ISOs made with xorriso)', () => {
  it('reads the volume label of an ISO 9660 image', async () => {
    const content = join(dir, 'content')
    mkdirSync(content)
    writeFileSync(join(content, 'README'), 'hello')
    const iso = join(dir, 'debian.iso')
    await execa('xorriso', [
      '-as',
      'mkisofs',
      '-quiet',
      '-V',
      'Debian 12.5.0 amd64 n',
      '-o',
      iso,
      content,
    ])
    const { label, sizeBytes } = await readIsoLabel(iso)
    expect(label).toBe('Debian 12.5.0 amd64 n')
    expect(sizeBytes).toBeGreaterThan(32768)
  })

  it('refuses a file that is not an ISO, saying what to do', async () => {
    const notIso = join(dir, 'disk.qcow2')
    writeFileSync(notIso, Buffer.alloc(64 * 1024, 7))
    await expect(readIsoLabel(notIso)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/not an ISO/),
    })
  })

  it('refuses a folder and a missing file with clear errors', async () => {
    await expect(readIsoLabel(dir)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/folder/),
    })
    await expect(readIsoLabel(join(dir, 'nope.iso'))).rejects.toMatchObject({
      code: 'FILE_MISSING',
    })
  })

  it('refuses an ISO the user may not read as unreadable (as user nobody), not as a non-ISO', async () => {
    // A real ISO that only its owner (root) could read, were it not mode 000; its folder is
    // open to all, so the file itself is what the kernel refuses.
    chmodSync(dir, 0o755)
    const content = join(dir, 'secret-content')
    mkdirSync(content)
    const secret = join(dir, 'secret.iso')
    await execa('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'SECRET', '-o', secret, content])
    chmodSync(secret, 0o000)
    await expect(asUnprivileged(() => readIsoLabel(secret))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `${secret} cannot be read (permission denied).`,
      hint: expect.stringMatching(/readable by your user/),
    })
    // The same file made readable is read by that same user: the refusal came from its mode.
    chmodSync(secret, 0o444)
    expect(await asUnprivileged(() => readIsoLabel(secret))).toMatchObject({ label: 'SECRET' })
  })
})

/**
 * Runs `fn` with the file access of an unprivileged user: as root (CI), with the effective
 * uid and gid of `nobody` and no supplementary groups, which also drops root's power to read
 * any file (the kernel clears the effective capabilities), and back to root afterwards; as
 * anyone else, as that user. This worker's own process, so no build or readable checkout is needed.
 */
async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0) return fn()
  const { getgroups, setgroups, setegid, seteuid } = process
  // Missing only off Linux or in a worker thread, where this switch cannot be made.
  if (!getgroups || !setgroups || !setegid || !seteuid) {
    throw new Error('cannot switch users here: run the test in a process of its own, on Linux')
  }
  const groups = getgroups()
  setgroups([])
  setegid(NOBODY)
  seteuid(NOBODY)
  try {
    return await fn()
  } finally {
    seteuid(0)
    setegid(0)
    setgroups(groups)
  }
}
