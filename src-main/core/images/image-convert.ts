import { realpath, rm } from 'node:fs/promises'
import { dirname, isAbsolute, resolve, sep } from 'node:path'
import { VireoError, msg } from '../errors'
import { runCommand } from '../exec'
import { reserve } from './image-create'
import {
  type DiskImageFormat,
  type ImageInfo,
  imageInfo,
  type ImportFormat,
  importFormats,
} from './image-info'
import { ensureFolder, ensureFreeSpace } from './image-space'
import { imageCommandError, QEMU_IMG } from './qemu-img-errors'

export interface ConvertImageOptions {
  source: string
  /** The source's format when known; otherwise qemu-img detects it once, and it is checked. */
  sourceFormat?: ImportFormat
  target: string
  targetFormat: DiskImageFormat
  /** Called with 0–100 as qemu-img reports progress. */
  onProgress?: (percent: number) => void
  /** Called with qemu-img's pid once it runs. */
  onSpawn?: (pid: number) => void
  signal?: AbortSignal
  /**
   * Accept a source that reads other host files (a backing file, a VMDK extent, a qcow2 data
   * file) outside the source's own folder. Off by default: an untrusted image could otherwise
   * copy any file Vireo may read (say ~/.ssh/id_ed25519) into the new disk.
   */
  allowExternalFiles?: boolean
}

const CONVERT_TIMEOUT_MS = 6 * 60 * 60 * 1000

/**
 * Imports a disk image (qcow2, raw, VMDK, VDI, VHDX, VHD) as a new qcow2 or raw image,
 * flattening any backing chain. The target must not exist. On failure or cancellation the
 * partial target is removed. Returns the new image's info.
 */
export async function convertImage(options: ConvertImageOptions): Promise<ImageInfo> {
  const source = resolve(options.source)
  const target = resolve(options.target)
  const info = await imageInfo(source, {
    ...(options.sourceFormat === undefined ? {} : { format: options.sourceFormat }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
  const format = checkImportFormat(info.format, source)
  if (info.encrypted) {
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.image.encrypted', { path: source }),
      msg('error.image.encryptedHint'),
    )
  }
  if (info.backingError !== null) {
    throw new VireoError(
      'FILE_MISSING',
      msg('error.image.backingUnreadable', { path: source, reason: info.backingError }),
      msg('error.image.backingUnreadableHint'),
      { path: source },
    )
  }
  if (options.allowExternalFiles !== true) await checkFilesInFolder(info, source)

  await ensureFolder(target)
  await reserve(target)
  try {
    const needed = info.chain.reduce((sum, e) => sum + (e.actualBytes ?? e.virtualBytes), 0)
    await ensureFreeSpace(target, needed, msg('error.image.what.imported'))
    const progress = progressParser(options.onProgress ?? (() => undefined))
    await runCommand(
      QEMU_IMG,
      ['convert', '-p', '-f', format, '-O', options.targetFormat, '--', source, target],
      {
        timeoutMs: CONVERT_TIMEOUT_MS,
        onStdout: progress,
        ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    )
    return await imageInfo(target, { format: options.targetFormat, backingChain: false })
  } catch (error) {
    await rm(target, { force: true })
    throw imageCommandError(error, target)
  }
}

function checkImportFormat(format: string, source: string): ImportFormat {
  const known = importFormats.find((f) => f === format)
  if (known === undefined) {
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.image.formatNotImported', { path: source, format, formats: importFormats.join(', ') }),
      msg('error.image.formatNotImportedHint'),
      { path: source, format },
    )
  }
  return known
}

/**
 * Every other host file the image reads (backing files down the chain, qcow2 data files, VMDK
 * extents) must lie in the source's own folder (links resolved). Pseudo-protocols
 * (`json:{…}`, `nbd://…`) are never accepted.
 */
async function checkFilesInFolder(info: ImageInfo, source: string): Promise<void> {
  const folder = dirname(await realpath(source))
  const references: { file: string; relativeTo: string }[] = []
  for (const entry of info.chain) {
    const base = dirname(resolve(dirname(source), entry.filename))
    if (entry.backingFile !== null) references.push({ file: entry.backingFile, relativeTo: base })
    for (const other of entry.otherFiles) references.push({ file: other, relativeTo: base })
  }
  for (const { file, relativeTo } of references) {
    const inside =
      !/^[a-z][\w+.-]*:/i.test(file) &&
      (await realpath(isAbsolute(file) ? file : resolve(relativeTo, file)).then(
        (real) => real.startsWith(folder + sep),
        () => false,
      ))
    if (!inside) {
      throw new VireoError(
        'INVALID_INPUT',
        msg('error.image.externalFile', { path: source, file }),
        msg('error.image.externalFileHint'),
        { path: source, externalFile: file },
      )
    }
  }
}

/**
 * A stdout listener for `qemu-img convert -p`, which writes `    (12.34/100%)\r` as it goes.
 * Calls `onProgress` with each new percentage (pieces may split anywhere).
 */
export function progressParser(onProgress: (percent: number) => void): (chunk: string) => void {
  let pending = ''
  let last = -1
  return (chunk) => {
    pending += chunk
    for (const m of pending.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) {
      const percent = Math.min(100, Number(m[1]))
      if (percent !== last) {
        last = percent
        onProgress(percent)
      }
    }
    const end = pending.lastIndexOf(')')
    if (end >= 0) pending = pending.slice(end + 1)
    if (pending.length > 1000) pending = pending.slice(-100)
  }
}
