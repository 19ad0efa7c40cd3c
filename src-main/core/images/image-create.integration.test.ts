import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCommand } from '../exec'
import { createImage } from './image-create'
import { imageInfo } from './image-info'
import { vireoError } from '../testing/rejections'
import { GiB, MiB, parseSize, TiB } from './size'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-create-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('createImage (real qemu-img)', () => {
  it('creates a sparse qcow2 image, private to its owner', async () => {
    const path = join(dir, 'disk.qcow2')
    const info = await createImage({ path, format: 'qcow2', sizeBytes: parseSize('20G') })
    expect(info).toMatchObject({
      path,
      format: 'qcow2',
      virtualBytes: 20 * GiB,
      backingFile: null,
      inUse: false,
    })
    expect(info.actualBytes).toBeLessThan(MiB)
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('creates a sparse raw image, size rounded up to whole sectors', async () => {
    const path = join(dir, 'disk.raw')
    const info = await createImage({ path, format: 'raw', sizeBytes: 64 * MiB + 1 })
    expect(info).toMatchObject({ format: 'raw', virtualBytes: 64 * MiB + 512 })
    expect(statSync(path).blocks * 512).toBeLessThan(MiB)
  })

  it('never overwrites an existing file', async () => {
    const path = join(dir, 'precious.qcow2')
    writeFileSync(path, 'my data')
    const e = await vireoError(createImage({ path, format: 'qcow2', sizeBytes: GiB }))
    expect(e.code).toBe('ALREADY_EXISTS')
    expect(e.message).toBe(`${path} already exists; Vireo does not overwrite existing files.`)
    expect(readFileSync(path, 'utf8')).toBe('my data')
  })

  it('never writes through a link, even a dangling one', async () => {
    const path = join(dir, 'link.qcow2')
    symlinkSync(join(dir, 'elsewhere.qcow2'), path)
    expect((await vireoError(createImage({ path, format: 'qcow2', sizeBytes: GiB }))).code).toBe(
      'ALREADY_EXISTS',
    )
    expect(readdirSync(dir)).toEqual(['link.qcow2'])
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
  })

  it('refuses a disk larger than the free space, with the figures, and leaves nothing', async () => {
    const e = await vireoError(
      createImage({ path: join(dir, 'huge.qcow2'), format: 'qcow2', sizeBytes: 60 * TiB }),
    )
    expect(e.code).toBe('NO_SPACE')
    expect(e.message).toMatch(
      /^Not enough disk space: the new disk needs up to 60 TiB, but .* has [\d.]+ [KMGT]iB free\.$/,
    )
    expect(e.details).toMatchObject({ neededBytes: 60 * TiB })
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses sizes that are not sizes', async () => {
    expect(
      (await vireoError(createImage({ path: join(dir, 'a.qcow2'), format: 'qcow2', sizeBytes: 0 })))
        .code,
    ).toBe('INVALID_INPUT')
    expect(
      (
        await vireoError(
          createImage({ path: join(dir, 'b.qcow2'), format: 'qcow2', sizeBytes: -5 * GiB }),
        )
      ).code,
    ).toBe('INVALID_INPUT')
    expect(
      (
        await vireoError(
          createImage({ path: join(dir, 'c.qcow2'), format: 'qcow2', sizeBytes: 65 * TiB }),
        )
      ).code,
    ).toBe('INVALID_INPUT')
    expect(readdirSync(dir)).toEqual([])
  })

  it('says so when the folder does not exist', async () => {
    const e = await vireoError(
      createImage({ path: join(dir, 'nope', 'a.qcow2'), format: 'qcow2', sizeBytes: GiB }),
    )
    expect(e.code).toBe('NOT_FOUND')
  })

  it('opens exactly the file whose name has a comma and option syntax in it', async () => {
    // A decoy with the name QEMU's option parser would see, holding a different image.
    await createImage({ path: join(dir, 'x.qcow2'), format: 'raw', sizeBytes: MiB })
    const path = join(dir, 'x.qcow2,file.locking=off')
    await createImage({ path, format: 'qcow2', sizeBytes: 3 * GiB })
    const info = await imageInfo(path, { format: 'qcow2' })
    expect(info).toMatchObject({ path, filename: path, format: 'qcow2', virtualBytes: 3 * GiB })
    expect((await imageInfo(join(dir, 'x.qcow2'))).format).toBe('raw')
    expect(readdirSync(dir).sort()).toEqual(['x.qcow2', 'x.qcow2,file.locking=off'])
  })

  it('treats a name that looks like a protocol as a plain file', async () => {
    const path = join(dir, 'nbd:localhost:10809')
    await createImage({ path, format: 'qcow2', sizeBytes: GiB })
    const info = await imageInfo(path)
    expect(info).toMatchObject({ format: 'qcow2', filename: path })
  })

  it('leaves nothing behind when qemu-img fails because the disk is full', async ({ skip }) => {
    const mnt = join(dir, 'tiny')
    mkdirSync(mnt)
    try {
      await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=128k,mode=0700', 'vireo-test', mnt], {
        timeoutMs: 10_000,
      })
    } catch (error) {
      skip(
        `cannot mount a small tmpfs here (needs root): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    try {
      // 64 KiB fits the free space, but qcow2's own metadata (about 200 KiB) does not.
      const e = await vireoError(
        createImage({ path: join(mnt, 'disk.qcow2'), format: 'qcow2', sizeBytes: 64 * 1024 }),
      )
      expect(e.code).toBe('NO_SPACE')
      expect(readdirSync(mnt)).toEqual([])
    } finally {
      await runCommand('umount', [mnt], { timeoutMs: 10_000 })
    }
  })
})
