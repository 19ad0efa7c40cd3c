import { join } from 'node:path'
import { z } from 'zod'
import { readJsonRecord } from '../files/json-record'
import { writeFileAtomic } from '../fs-atomic'
import { fnv1a } from '../hash'
import { fileStamp, fileStampSchema, sameStamp, type FileStamp } from '../host/program-facts'
import { imageInfo } from '../images/qemu-img'
import { ensurePrivateDir } from '../private-dir'
import type { DiskDetails } from '../types'
import type { VmConfig } from './config'
import { diskPath } from './qemu-args'

/**
 * A disk's file, its sizes and backing chain as qemu-img sees them (null sizes if it cannot),
 * for `getVm` (`vireo info`, the details screen). What qemu-img said is kept in the private
 * runtime folder with the stamp (size, mtime, ctime, inode) of every file it read: the image
 * and its backing files. While none of them changed, qemu-img is not run again; any write (a
 * running VM's, a snapshot, a resize) changes the image's stamp. A missing, corrupt or stale
 * record just means "ask qemu-img"; one that cannot be written is not kept.
 */

/** Where the records are kept: a folder of the runtime folder, and the trusted folder it is made in. */
export interface KeptDiskDetails {
  dir: string
  base: string
}

interface Sizes {
  virtualBytes: number | null
  actualBytes: number | null
  backingFiles: string[]
}

interface DiskRecord {
  version: 1
  path: string
  format: string
  stamps: FileStamp[]
  details: Sizes
}

// Built when the first record is read, not as the core loads: `vireo list` never needs it.
let schema: z.ZodType<DiskRecord> | undefined
function recordSchema(): z.ZodType<DiskRecord> {
  return (schema ??= z.object({
    version: z.literal(1),
    path: z.string(),
    format: z.string(),
    stamps: z.array(fileStampSchema()).min(1),
    details: z.object({
      virtualBytes: z.number().nullable(),
      actualBytes: z.number().nullable(),
      backingFiles: z.array(z.string()),
    }),
  }))
}

export async function diskDetails(
  d: VmConfig['disks'][number],
  vmDir: string,
  kept?: KeptDiskDetails,
): Promise<DiskDetails> {
  const path = diskPath(d, vmDir)
  const sizes = await keptSizes(path, d.format, kept)
  return { path, format: d.format, bus: d.bus, ...sizes }
}

async function keptSizes(
  path: string,
  format: string,
  kept: KeptDiskDetails | undefined,
): Promise<Sizes> {
  const file = kept === undefined ? null : join(kept.dir, `${fnv1a(path).toString(36)}.json`)
  if (file !== null) {
    const record = await readRecord(file, path, format)
    if (record !== null) return record
  }
  // Stamped before asking: a file that changes meanwhile is kept under its old stamp, so missed.
  const top = await fileStamp(path)
  const info = await imageInfo(path, { format, force: true }).catch(() => null)
  if (info === null) return { virtualBytes: null, actualBytes: null, backingFiles: [] }
  const backingFiles = info.chain.flatMap((e) => (e.backingFile === null ? [] : [e.backingFile]))
  const sizes = { virtualBytes: info.virtualBytes, actualBytes: info.actualBytes, backingFiles }
  if (kept !== undefined && file !== null && top !== null && info.backingError === null) {
    const others = await Promise.all(
      [...backingFiles, ...info.chain.flatMap((e) => e.otherFiles)].map(fileStamp),
    )
    if (others.every((s) => s !== null))
      await writeRecord(kept, file, {
        version: 1,
        path,
        format,
        stamps: [top, ...others],
        details: sizes,
      })
  }
  return sizes
}

async function readRecord(file: string, path: string, format: string): Promise<Sizes | null> {
  const data = await readJsonRecord(file, recordSchema())
  if (data === null || data.path !== path || data.format !== format) return null
  const now = await Promise.all(data.stamps.map((s) => fileStamp(s.path)))
  const same = now.every((s, i) => s !== null && sameStamp(s, data.stamps[i] as FileStamp))
  return same ? data.details : null
}

async function writeRecord(kept: KeptDiskDetails, file: string, record: DiskRecord): Promise<void> {
  try {
    ensurePrivateDir(kept.dir, kept.base)
    await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`)
  } catch {
    // A read-only or full runtime folder: qemu-img is asked again next time.
  }
}
