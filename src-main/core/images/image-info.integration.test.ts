import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCommand } from '../exec'
import { createImage } from './image-create'
import { imageInfo } from './image-info'
import { holdImage } from './images-test-support'
import { vireoError } from '../testing/rejections'
import { GiB, MiB } from './size'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-info-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('imageInfo (real qemu-img)', () => {
  it('describes an image', async () => {
    const path = join(dir, 'disk.qcow2')
    await createImage({ path, format: 'qcow2', sizeBytes: 2 * GiB })
    const info = await imageInfo(path, { format: 'qcow2' })
    expect(info).toMatchObject({
      path,
      format: 'qcow2',
      virtualBytes: 2 * GiB,
      clusterBytes: 65536,
      dirty: false,
      encrypted: false,
      corrupt: false,
      backingFile: null,
      backingError: null,
      inUse: false,
    })
    expect(info.chain).toHaveLength(1)
  })

  it('says a missing file is missing', async () => {
    const e = await vireoError(imageInfo(join(dir, 'gone.qcow2')))
    expect(e.code).toBe('FILE_MISSING')
  })

  it('says when a file is not in the format it was said to be', async () => {
    const path = join(dir, 'disk.raw')
    await createImage({ path, format: 'raw', sizeBytes: MiB })
    const e = await vireoError(imageInfo(path, { format: 'qcow2' }))
    expect(e).toMatchObject({ code: 'INVALID_INPUT', message: `${path} is not a qcow2 image.` })
  })

  it('shows a backing file that points at a host file, down the whole chain', async () => {
    const hostFile = join(dir, 'host-secret')
    writeFileSync(hostFile, 'not a disk\n'.repeat(100))
    const untrusted = join(dir, 'downloads')
    mkdirSync(untrusted)
    const path = join(untrusted, 'untrusted.qcow2')
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', hostFile, '-F', 'raw', path])
    const info = await imageInfo(path, { format: 'qcow2' })
    expect(info.backingFile).toBe(hostFile)
    expect(info.backingFormat).toBe('raw')
    expect(info.chain.map((e) => [e.filename, e.format])).toEqual([
      [path, 'qcow2'],
      [hostFile, 'raw'],
    ])
  })

  it('still describes an image whose backing file is missing, and says why', async () => {
    const path = join(dir, 'orphan.qcow2')
    await runCommand('qemu-img', [
      'create',
      '-q',
      '-u',
      '-f',
      'qcow2',
      '-b',
      join(dir, 'base.qcow2'),
      '-F',
      'qcow2',
      path,
      '1G',
    ])
    const info = await imageInfo(path, { format: 'qcow2' })
    expect(info.backingFile).toBe(join(dir, 'base.qcow2'))
    expect(info.chain).toHaveLength(1)
    expect(info.backingError).toMatch(/base\.qcow2.*No such file or directory/)
  })

  it('reports VMDK extents elsewhere on the host', async () => {
    const path = join(dir, 'evil.vmdk')
    writeFileSync(
      path,
      [
        '# Disk DescriptorFile',
        'version=1',
        'CID=fffffffe',
        'parentCID=ffffffff',
        'createType="monolithicFlat"',
        'RW 8 FLAT "/etc/hostname" 0',
        '',
      ].join('\n'),
    )
    const info = await imageInfo(path)
    expect(info.format).toBe('vmdk')
    expect(info.otherFiles).toEqual(['/etc/hostname'])
  })

  describe('an image in use by a running QEMU', () => {
    it('is IMAGE_LOCKED, and can still be read with force or shared', async () => {
      const path = join(dir, 'busy.qcow2')
      await createImage({ path, format: 'qcow2', sizeBytes: GiB })
      const holder = await holdImage(path, 'qcow2')
      try {
        const e = await vireoError(imageInfo(path, { format: 'qcow2' }))
        expect(e.code).toBe('IMAGE_LOCKED')
        expect(e.message).toBe(
          `The disk image ${path} is in use by another program (probably a running VM), so it cannot be changed now.`,
        )
        expect(e.hint).toBeTruthy()

        const forced = await imageInfo(path, { format: 'qcow2', force: true })
        expect(forced).toMatchObject({ virtualBytes: GiB, inUse: false })

        const shared = await imageInfo(path, { format: 'qcow2', whenLocked: 'share' })
        expect(shared).toMatchObject({ virtualBytes: GiB, inUse: true })
      } finally {
        await holder.release()
      }
      expect((await imageInfo(path, { format: 'qcow2', whenLocked: 'share' })).inUse).toBe(false)
    })
  })
})
