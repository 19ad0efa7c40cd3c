import { stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { Message } from '../errors'
import { readJsonRecord } from '../files/json-record'
import { writeFileAtomic } from '../fs-atomic'
import { ensurePrivateDir } from '../private-dir'

/**
 * The KVM probe's result, kept for the rest of this boot: a working or broken KVM does not
 * change until the machine restarts, or QEMU is replaced. The file lives in the private runtime
 * folder; anything wrong with it (missing, corrupt, another boot) just means "probe again".
 */

export const PROBE_CACHE_FILE = 'kvm-probe.json'

const cacheSchema = z.object({
  version: z.literal(1),
  bootId: z.string(),
  qemuPath: z.string(),
  qemuMtimeMs: z.number(),
  qemuSize: z.number(),
  usable: z.boolean(),
  reason: z.string(),
  // The reason as a message (absent in a file from before messages: the English is shown).
  reasonText: z.object({ key: z.string(), params: z.record(z.string(), z.unknown()).optional() }).optional(),
  probedAt: z.string(),
})

export type ProbeCacheEntry = z.infer<typeof cacheSchema>

/** What the probe said: usable or not, and why (English, and as a message). */
export interface ProbeAnswer {
  usable: boolean
  reason: string
  reasonText?: Message
}

/** What a cached result must match to be reused. */
export interface ProbeCacheKey {
  bootId: string
  qemuPath: string
  qemuMtimeMs: number
  qemuSize: number
}

/** The key for this boot and this QEMU binary; null if either cannot be identified. */
export async function probeCacheKey(
  bootId: string | null,
  qemuPath: string,
): Promise<ProbeCacheKey | null> {
  if (bootId === null) return null
  const st = await stat(qemuPath).catch(() => null)
  if (st === null) return null
  return { bootId, qemuPath, qemuMtimeMs: st.mtimeMs, qemuSize: st.size }
}

export async function readProbeCache(
  runtimeDir: string,
  key: ProbeCacheKey,
): Promise<ProbeAnswer | null> {
  const e = await readJsonRecord(join(runtimeDir, PROBE_CACHE_FILE), cacheSchema)
  if (e === null) return null
  const same =
    e.bootId === key.bootId &&
    e.qemuPath === key.qemuPath &&
    e.qemuMtimeMs === key.qemuMtimeMs &&
    e.qemuSize === key.qemuSize
  if (!same) return null
  return { usable: e.usable, reason: e.reason, ...(e.reasonText === undefined ? {} : { reasonText: e.reasonText as Message }) }
}

/** Records a probe result; a failure to write only costs a probe next time, so it is ignored. */
export async function writeProbeCache(
  runtimeDir: string,
  key: ProbeCacheKey,
  result: ProbeAnswer,
  /** The trusted folder the runtime folder is made in (default: its parent). */
  base = dirname(runtimeDir),
): Promise<void> {
  const entry: ProbeCacheEntry = {
    version: 1,
    ...key,
    ...result,
    probedAt: new Date().toISOString(),
  }
  try {
    ensurePrivateDir(runtimeDir, base)
    await writeFileAtomic(join(runtimeDir, PROBE_CACHE_FILE), `${JSON.stringify(entry, null, 2)}\n`)
  } catch {
    // A read-only or full runtime folder: the next check probes again.
  }
}
