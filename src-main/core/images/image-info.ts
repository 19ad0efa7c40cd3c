import { resolve } from 'node:path'
import { z } from 'zod'
import { VireoError, msg } from '../errors'
import { mainMessage, runCommand } from '../exec'
import { imageCommandError, imageLockedError, isLockFailure, QEMU_IMG } from './qemu-img-errors'
import type { ImageSnapshot } from './types'

/** Formats Vireo makes its own disks in. */
export type DiskImageFormat = 'qcow2' | 'raw'
/** Formats Vireo reads and imports. */
export const importFormats = ['qcow2', 'raw', 'vmdk', 'vdi', 'vhdx', 'vpc'] as const
export type ImportFormat = (typeof importFormats)[number]

/** One image of a backing chain, as `qemu-img info --output=json` describes it. */
const chainEntrySchema = z.object({
  filename: z.string(),
  format: z.string(),
  'virtual-size': z.number(),
  'actual-size': z.number().optional(),
  'cluster-size': z.number().optional(),
  'dirty-flag': z.boolean().optional(),
  encrypted: z.boolean().optional(),
  'backing-filename': z.string().optional(),
  'full-backing-filename': z.string().optional(),
  'backing-filename-format': z.string().optional(),
  snapshots: z
    .array(
      z.object({
        name: z.string(),
        'date-sec': z.number(),
        'date-nsec': z.number(),
        'vm-state-size': z.number().default(0),
      }),
    )
    .optional(),
  'format-specific': z
    .object({
      type: z.string(),
      data: z
        .object({
          corrupt: z.boolean().optional(),
          'data-file': z.string().optional(),
          extents: z.array(z.object({ filename: z.string() })).optional(),
        })
        .optional(),
    })
    .optional(),
})

type RawChainEntry = z.infer<typeof chainEntrySchema>

export interface ImageChainEntry {
  /** As qemu-img names it (the top one as given; backing files as their parent names them). */
  filename: string
  format: string
  virtualBytes: number
  /** Bytes allocated on the host; null where qemu-img cannot tell. */
  actualBytes: number | null
  /** The backing file, as a full path where qemu-img could make one. */
  backingFile: string | null
  backingFormat: string | null
  /** Other host files this image reads: a qcow2 external data file, VMDK extents. */
  otherFiles: string[]
}

export interface ImageInfo extends ImageChainEntry {
  /** The path that was asked about (absolute). */
  path: string
  clusterBytes: number | null
  dirty: boolean
  encrypted: boolean
  /** qcow2 metadata is marked corrupt (`qemu-img check -r` may repair it). */
  corrupt: boolean
  /** The image and its backing files, top first; just the top one if backing was not followed. */
  chain: ImageChainEntry[]
  /** Why the backing chain could not be followed (missing backing file…), or null. */
  backingError: string | null
  /** The image was locked by another program and was read with force-share (-U). */
  inUse: boolean
  /** Its internal snapshots (qcow2), oldest first. */
  snapshots: ImageSnapshot[]
}

export interface ImageInfoOptions {
  /** The image's format, when known: qemu-img then does not guess from the contents. */
  format?: string
  /** Read the image even if another program holds it (-U); the figures may be a moment stale. */
  force?: boolean
  /** When locked and not forced: 'error' (IMAGE_LOCKED, the default) or 'share' (retry with -U, inUse). */
  whenLocked?: 'error' | 'share'
  /** Follow the backing chain (default true), so a backing file elsewhere on the host is visible. */
  backingChain?: boolean
  signal?: AbortSignal
}

const INFO_TIMEOUT_MS = 30_000

/** `qemu-img info --output=json` about one image, its backing chain included. */
export async function imageInfo(path: string, options: ImageInfoOptions = {}): Promise<ImageInfo> {
  // Absolute, so a name such as `nbd:host:10809` or `json:{…}` is always a plain file to QEMU.
  const file = resolve(path)
  const follow = options.backingChain ?? true
  const run = async (force: boolean, chain: boolean): Promise<RawChainEntry[]> => {
    const args = ['info', '--output=json']
    if (chain) args.push('--backing-chain')
    if (options.format !== undefined) args.push('-f', options.format)
    if (force) args.push('-U')
    args.push('--', file)
    const { stdout } = await runCommand(QEMU_IMG, args, {
      timeoutMs: INFO_TIMEOUT_MS,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    return parseInfoJson(stdout)
  }
  const attempt = async (force: boolean): Promise<ImageInfo> => {
    if (!follow) return toImageInfo(file, await run(force, false), null, force && !options.force)
    try {
      return toImageInfo(file, await run(force, true), null, force && !options.force)
    } catch (error) {
      if (isLockFailure(error)) throw error
      // Maybe only the backing chain is broken: read the image itself and say why.
      let top: RawChainEntry[]
      try {
        top = await run(force, false)
      } catch {
        throw error
      }
      const why =
        error instanceof VireoError
          ? (mainMessage(stderrTail(error), QEMU_IMG) ?? error.message)
          : String(error)
      return toImageInfo(file, top, why, force && !options.force)
    }
  }

  try {
    return await attempt(options.force === true)
  } catch (error) {
    if (!isLockFailure(error)) throw imageCommandError(error, file)
    if (options.whenLocked === 'share') {
      try {
        return await attempt(true)
      } catch (second) {
        throw imageCommandError(second, file)
      }
    }
    throw imageLockedError(file, error)
  }
}

/** Parses the output of `qemu-img info --output=json` (one object, or a list with --backing-chain). */
export function parseInfoJson(stdout: string): RawChainEntry[] {
  let data: unknown
  try {
    data = JSON.parse(stdout)
  } catch {
    throw new VireoError('COMMAND_FAILED', msg('error.image.infoNotJson'), undefined, {
      stdout: stdout.slice(0, 2000),
    })
  }
  const parsed = z.union([z.array(chainEntrySchema).min(1), chainEntrySchema]).safeParse(data)
  if (!parsed.success) {
    throw new VireoError(
      'COMMAND_FAILED',
      msg('error.image.infoUnexpected', { reason: parsed.error.message }),
    )
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data]
}

function toImageInfo(
  path: string,
  raw: RawChainEntry[],
  backingError: string | null,
  inUse: boolean,
): ImageInfo {
  const chain = raw.map(toChainEntry)
  const top = raw[0]
  const first = chain[0]
  if (top === undefined || first === undefined)
    throw new VireoError('COMMAND_FAILED', msg('error.image.infoEmpty'))
  return {
    ...first,
    path,
    clusterBytes: top['cluster-size'] ?? null,
    dirty: top['dirty-flag'] ?? false,
    encrypted: top.encrypted ?? false,
    corrupt: top['format-specific']?.data?.corrupt ?? false,
    chain,
    backingError,
    inUse,
    snapshots: (top.snapshots ?? []).map((sn) => ({
      name: sn.name,
      createdAt: new Date(sn['date-sec'] * 1000 + Math.floor(sn['date-nsec'] / 1e6)).toISOString(),
      vmStateBytes: sn['vm-state-size'],
    })),
  }
}

function toChainEntry(e: RawChainEntry): ImageChainEntry {
  const data = e['format-specific']?.data
  return {
    filename: e.filename,
    format: e.format,
    virtualBytes: e['virtual-size'],
    actualBytes: e['actual-size'] ?? null,
    backingFile: e['full-backing-filename'] ?? e['backing-filename'] ?? null,
    backingFormat: e['backing-filename-format'] ?? null,
    otherFiles: [
      ...(data?.['data-file'] === undefined ? [] : [data['data-file']]),
      ...(data?.extents ?? []).map((x) => x.filename),
    ],
  }
}

function stderrTail(error: VireoError): string[] {
  const tail = error.details?.stderrTail
  return Array.isArray(tail) ? tail.filter((l): l is string => typeof l === 'string') : []
}
