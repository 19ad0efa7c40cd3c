import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createImage } from './image-create'
import { imageInfo } from './image-info'
import { resizeImage } from './image-resize'
import { holdImage } from './images-test-support'
import { vireoError } from '../testing/rejections'
import { GiB, MiB, TiB } from './size'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-resize-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('resizeImage (real qemu-img)', () => {
  it('grows qcow2 and raw images', async () => {
    for (const format of ['qcow2', 'raw'] as const) {
      const path = join(dir, `disk.${format}`)
      await createImage({ path, format, sizeBytes: GiB })
      const info = await resizeImage(path, format, 3 * GiB)
      expect(info.virtualBytes).toBe(3 * GiB)
      expect((await imageInfo(path, { format })).virtualBytes).toBe(3 * GiB)
    }
  })

  it('does nothing for the same size', async () => {
    const path = join(dir, 'disk.qcow2')
    await createImage({ path, format: 'qcow2', sizeBytes: GiB })
    expect((await resizeImage(path, 'qcow2', GiB)).virtualBytes).toBe(GiB)
  })

  it('refuses to shrink, saying why and what is possible', async () => {
    const path = join(dir, 'disk.qcow2')
    await createImage({ path, format: 'qcow2', sizeBytes: 2 * GiB })
    const e = await vireoError(resizeImage(path, 'qcow2', 512 * MiB))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.message).toBe(
      `Disks can only grow: ${path} is 2 GiB, and shrinking it to 512 MiB would destroy the data at its end.`,
    )
    expect(e.hint).toBe('Choose a size of at least 2 GiB.')
    expect((await imageInfo(path)).virtualBytes).toBe(2 * GiB)
  })

  it('refuses to grow past the free space', async () => {
    const path = join(dir, 'disk.qcow2')
    await createImage({ path, format: 'qcow2', sizeBytes: GiB })
    expect((await vireoError(resizeImage(path, 'qcow2', 60 * TiB))).code).toBe('NO_SPACE')
  })

  it('refuses to resize a disk a running QEMU holds', async () => {
    const path = join(dir, 'busy.qcow2')
    await createImage({ path, format: 'qcow2', sizeBytes: GiB })
    const holder = await holdImage(path, 'qcow2')
    try {
      expect((await vireoError(resizeImage(path, 'qcow2', 2 * GiB))).code).toBe('IMAGE_LOCKED')
    } finally {
      await holder.release()
    }
    expect((await imageInfo(path)).virtualBytes).toBe(GiB)
  })
})
