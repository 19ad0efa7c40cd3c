import { stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { readJsonRecord } from '../files/json-record'
import { writeFileAtomic } from '../fs-atomic'
import { ensurePrivateDir } from '../private-dir'

/**
 * What Vireo learns by running a QEMU program (its `--version`, whether its `-help` lists
 * `-sandbox`), kept in the private runtime folder, so that `vireo info`, a start or the host
 * check need not run the program again. Each fact is kept with the program's stamp (path,
 * size, mtime, ctime, inode): an upgrade replaces or rewrites the file and changes the stamp,
 * and the fact is asked anew. Like the KVM probe's cache (probe-cache.ts): a missing,
 * unreadable, corrupt or stale file just means "ask again", and a failed write is ignored.
 */

/** Where the facts are kept, and whether to ask again regardless (`vireo host check --refresh`). */
export interface FactsCache {
  /** The private runtime folder (VireoPaths.runtime). */
  runtime: string
  /** The trusted folder it is made in (VireoPaths.runtimeBase; default: its parent). */
  runtimeBase?: string | undefined
  refresh?: boolean | undefined
}

export const FACTS_DIR = 'program-facts'

export interface FileStamp {
  path: string
  size: number
  mtimeMs: number
  ctimeMs: number
  ino: number
}

// Built when the first record is read, not as the core loads: `vireo list` never needs them.
let stampSchema: z.ZodType<FileStamp> | undefined
export function fileStampSchema(): z.ZodType<FileStamp> {
  return (stampSchema ??= z.object({
    path: z.string(),
    size: z.number(),
    mtimeMs: z.number(),
    ctimeMs: z.number(),
    ino: z.number(),
  }))
}

interface FactRecord {
  version: 1
  stamp: FileStamp
  value: unknown
}
let recordSchema: z.ZodType<FactRecord> | undefined
const factRecordSchema = (): z.ZodType<FactRecord> =>
  (recordSchema ??= z.object({
    version: z.literal(1),
    stamp: fileStampSchema(),
    value: z.unknown(),
  }))

/** What identifies this version of the file at `path` (a program, a disk image); null if it cannot be read. */
export async function fileStamp(path: string): Promise<FileStamp | null> {
  const st = await stat(path).catch(() => null)
  if (st === null) return null
  return { path, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino }
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return (Object.keys(b) as (keyof FileStamp)[]).every((k) => a[k] === b[k])
}

/** The file that holds one fact of one program (named by its base name; the path is checked inside). */
export function factFile(runtime: string, programPath: string, fact: string): string {
  return join(runtime, FACTS_DIR, `${basename(programPath)}.${fact}.json`)
}

/**
 * The fact `fact` of the program at `programPath`: the kept answer if the program is the same
 * file as when it was asked, else `ask()`'s, kept when `ask` says it may be (a failed or timed-out
 * run is not kept: it may work next time). Without a cache, just `ask()`.
 */
export async function programFact<T>(
  cache: FactsCache | undefined,
  programPath: string,
  fact: string,
  schema: z.ZodType<T>,
  ask: () => Promise<{ value: T; keep: boolean }>,
): Promise<T> {
  if (cache === undefined) return (await ask()).value
  // Stamped before asking: a program replaced meanwhile is kept under its old stamp, so missed.
  const stamp = await fileStamp(programPath)
  if (stamp === null) return (await ask()).value
  const file = factFile(cache.runtime, programPath, fact)
  if (cache.refresh !== true) {
    const kept = await readFact(file, stamp, schema)
    if (kept !== null) return kept.value
  }
  const answer = await ask()
  if (answer.keep) await writeFact(cache, file, stamp, answer.value)
  return answer.value
}

async function readFact<T>(
  file: string,
  stamp: FileStamp,
  schema: z.ZodType<T>,
): Promise<{ value: T } | null> {
  const entry = await readJsonRecord(file, factRecordSchema())
  if (entry === null || !sameStamp(entry.stamp, stamp)) return null
  const value = schema.safeParse(entry.value)
  return value.success ? { value: value.data } : null
}

async function writeFact(
  cache: FactsCache,
  file: string,
  stamp: FileStamp,
  value: unknown,
): Promise<void> {
  try {
    const dir = dirname(file)
    ensurePrivateDir(dir, cache.runtimeBase ?? dirname(cache.runtime))
    const entry = { version: 1, stamp, value, askedAt: new Date().toISOString() }
    await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`)
  } catch {
    // A read-only or full runtime folder: the program is asked again next time.
  }
}
