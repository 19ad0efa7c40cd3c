import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commandFailure, runCommand } from '../exec'
import { convertImage } from './image-convert'
import { createImage } from './image-create'
import { vireoError } from '../testing/rejections'
import { MiB } from './size'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-convert-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A raw image of `sizeMiB` with random data in `dataMiB` of it (from the 8 MiB mark). */
function rawWithData(path: string, sizeMiB: number, dataMiB: number): void {
  const fd = openSync(path, 'w')
  try {
    for (let i = 0; i < dataMiB; i++) writeSync(fd, randomBytes(MiB), 0, MiB, (8 + i) * MiB)
    writeSync(fd, Buffer.alloc(1), 0, 1, sizeMiB * MiB - 1)
  } finally {
    closeSync(fd)
  }
}

async function sameContents(
  a: string,
  aFormat: string,
  b: string,
  bFormat: string,
): Promise<boolean> {
  const r = await runCommand('qemu-img', ['compare', '-q', '-f', aFormat, '-F', bFormat, a, b], {
    okExitCodes: [0, 1],
  })
  return r.exitCode === 0
}

describe('convertImage (real qemu-img)', () => {
  it('converts raw with data to qcow2, reporting progress up to 100%', async () => {
    const source = join(dir, 'source.img')
    rawWithData(source, 64, 16)
    const target = join(dir, 'disk.qcow2')
    const seen: number[] = []
    const info = await convertImage({
      source,
      target,
      targetFormat: 'qcow2',
      onProgress: (p) => seen.push(p),
    })
    expect(info).toMatchObject({
      path: target,
      format: 'qcow2',
      virtualBytes: 64 * MiB,
      backingFile: null,
    })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(seen.at(-1)).toBe(100)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    expect(await sameContents(source, 'raw', target, 'qcow2')).toBe(true)
  })

  it('imports VMDK and VDI images', async () => {
    for (const format of ['vmdk', 'vdi'] as const) {
      const source = join(dir, `source.${format}`)
      await runCommand('qemu-img', ['create', '-q', '-f', format, source, '32M'])
      const info = await convertImage({
        source,
        sourceFormat: format,
        target: join(dir, `${format}.qcow2`),
        targetFormat: 'qcow2',
      })
      expect(info).toMatchObject({ format: 'qcow2', virtualBytes: 32 * MiB })
    }
  })

  it('never overwrites the target', async () => {
    const source = join(dir, 'source.img')
    rawWithData(source, 16, 1)
    const target = join(dir, 'existing.qcow2')
    writeFileSync(target, 'keep me')
    const e = await vireoError(convertImage({ source, target, targetFormat: 'qcow2' }))
    expect(e.code).toBe('ALREADY_EXISTS')
    expect(readFileSync(target, 'utf8')).toBe('keep me')
  })

  it('removes the partial target when cancelled', async () => {
    const source = join(dir, 'big.img')
    rawWithData(source, 264, 256)
    const target = join(dir, 'partial.qcow2')
    const controller = new AbortController()
    const e = await vireoError(
      convertImage({
        source,
        target,
        targetFormat: 'qcow2',
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    )
    expect(commandFailure(e)?.cancelled).toBe(true)
    expect(existsSync(target)).toBe(false)
  })

  it('refuses an image whose backing file lies outside its folder, unless allowed', async () => {
    const hostFile = join(dir, 'host-file')
    writeFileSync(hostFile, 'secret\n'.repeat(1000))
    mkdirSync(join(dir, 'download'))
    const source = join(dir, 'download', 'untrusted.qcow2')
    await runCommand('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      hostFile,
      '-F',
      'raw',
      source,
    ])
    const target = join(dir, 'imported.qcow2')
    const e = await vireoError(convertImage({ source, target, targetFormat: 'qcow2' }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.message).toContain(`reads another file outside its folder: ${hostFile}`)
    expect(existsSync(target)).toBe(false)

    const info = await convertImage({
      source,
      target,
      targetFormat: 'raw',
      allowExternalFiles: true,
    })
    expect(info.backingFile).toBeNull() // flattened
    expect(readFileSync(target).subarray(0, 7).toString()).toBe('secret\n')
  })

  it('accepts a backing file beside the image', async () => {
    const base = join(dir, 'base.qcow2')
    await createImage({ path: base, format: 'qcow2', sizeBytes: 16 * MiB })
    const source = join(dir, 'overlay.qcow2')
    await runCommand('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      'base.qcow2',
      '-F',
      'qcow2',
      source,
    ])
    const info = await convertImage({
      source,
      target: join(dir, 'flat.qcow2'),
      targetFormat: 'qcow2',
    })
    expect(info).toMatchObject({ virtualBytes: 16 * MiB, backingFile: null })
  })

  it('refuses a VMDK whose extent is a host file', async () => {
    const source = join(dir, 'evil.vmdk')
    writeFileSync(
      source,
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
    const e = await vireoError(
      convertImage({ source, target: join(dir, 'out.qcow2'), targetFormat: 'qcow2' }),
    )
    expect(e.message).toContain('outside its folder: /etc/hostname')
    expect(readdirSync(dir)).toEqual(['evil.vmdk'])
  })

  it('refuses formats it does not import, and a source that is not in the stated format', async () => {
    const qed = join(dir, 'disk.qed')
    await runCommand('qemu-img', ['create', '-q', '-f', 'qed', qed, '16M'])
    const e = await vireoError(
      convertImage({ source: qed, target: join(dir, 'a.qcow2'), targetFormat: 'qcow2' }),
    )
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/is a qed image; Vireo imports qcow2, raw, vmdk/),
    })

    const raw = join(dir, 'disk.raw')
    rawWithData(raw, 16, 1)
    const f = await vireoError(
      convertImage({
        source: raw,
        sourceFormat: 'qcow2',
        target: join(dir, 'b.qcow2'),
        targetFormat: 'qcow2',
      }),
    )
    expect(f).toMatchObject({ code: 'INVALID_INPUT', message: `${raw} is not a qcow2 image.` })
    expect(readdirSync(dir).sort()).toEqual(['disk.qed', 'disk.raw'])
  })
})
