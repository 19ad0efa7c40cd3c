import { mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { msg, VireoError, type Message } from './errors'
import { writeFileAtomic } from './fs-atomic'

/**
 * Vireo's settings, shared by every front end (the window, the web host, the CLI):
 * `$XDG_CONFIG_HOME/vireo/settings.json` (default `~/.config/vireo/settings.json`). The
 * language stays the renderer's own (it is chosen before any API call). Environment variables
 * still override: VIREO_HOME over `vmFolder`. Keys this version does not know are kept when the
 * file is written again (a newer Vireo's, the connections'), never dropped.
 */
const absolutePath = z.string().refine(isAbsolute, { message: 'must be an absolute path' })

export const settingsSchema = z.looseObject({
  version: z.literal(1).default(1),
  /** Where VMs live (VIREO_HOME overrides it); default `$XDG_DATA_HOME/vireo`. */
  vmFolder: absolutePath.optional(),
  /** Folders searched for installer ISOs, besides the home folder and Downloads. */
  isoFolders: z.array(absolutePath).default([]),
  /** The accelerator a new VM gets when none is asked for. */
  defaultAccel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** The keys that take the keyboard back from a console (the renderer's release-chord.ts). */
  consoleReleaseChord: z.enum(['ctrl-alt', 'ctrl-shift', 'ctrl-alt-shift', 'right-ctrl']).default('ctrl-alt'),
  /** The libvirt connections a user added, in the order they were added (libvirt/connections-file). */
  connections: z.array(z.object({ uri: z.string().min(1).max(4096) })).default([]),
})

export type Settings = z.infer<typeof settingsSchema>

export function settingsFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(config, 'vireo', 'settings.json')
}

/** The settings, or the defaults where there is no file; a broken file is a clear error. */
export function readSettings(file: string = settingsFile()): Settings {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return settingsSchema.parse({})
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw broken(file, msg('error.settings.unreadable', { code }))
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw broken(file, msg('error.settings.notJson'))
  }
  const parsed = settingsSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw broken(file, msg('error.settings.invalid', { path: issue?.path.join('.') || 'the file', problem: issue?.message ?? 'invalid' }))
  }
  return parsed.data
}

/** Writes the settings (validated) atomically, in a private (0700) folder. */
export async function writeSettings(
  settings: Settings,
  file: string = settingsFile(),
): Promise<void> {
  const valid = settingsSchema.parse(settings)
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 })
  await writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`)
}

let changing: Promise<unknown> = Promise.resolve()

/**
 * A read-modify-write of the settings file, one at a time in this process (the API's changes
 * and the saved connections alike), so that two changes at once lose neither. A broken file is
 * refused (readSettings), never overwritten.
 */
export function changeSettings<T>(
  file: string,
  change: (current: Settings) => { next: Settings; result: T },
): Promise<T> {
  const next = changing.then(async () => {
    const { next: settings, result } = change(readSettings(file))
    await writeSettings(settings, file)
    return result
  })
  changing = next.catch(() => undefined)
  return next
}

function broken(file: string, why: Message): VireoError {
  return new VireoError('INVALID_INPUT', msg('error.settings.broken', { file, why }), msg('error.settings.brokenHint'))
}
