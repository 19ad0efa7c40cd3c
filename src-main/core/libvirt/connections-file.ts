import { mkdir, readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { msg } from '../errors'
import { writeFileAtomic } from '../fs-atomic'
import { libvirtMessages as m } from './libvirt-messages'

/**
 * The libvirt connections a user added, kept in Vireo's settings folder
 * (`$XDG_CONFIG_HOME/vireo/connections.json`, else `~/.config/vireo/…`), shared by every front
 * end. The one place that file is read and written (atomically): `{ "version": 1,
 * "connections": [{ "uri": "qemu:///system" }, …] }`, in the order they were added.
 */
export function connectionsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'vireo', 'connections.json')
}

/** The saved URIs; none when the file is not there yet. Anything else unreadable is said so. */
export async function readConnections(path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw m.connectionsUnreadable(path, msg('error.verbatim', { text: (error as Error).message }))
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw m.connectionsUnreadable(path, msg('error.settings.notJson'))
  }
  const list = (data as { connections?: unknown }).connections
  if (typeof data !== 'object' || data === null || !Array.isArray(list)) throw m.connectionsUnreadable(path, msg('error.libvirt.noList'))
  return list.flatMap((entry: unknown) => {
    const uri = (entry as { uri?: unknown } | null)?.uri
    return typeof uri === 'string' ? [uri] : []
  })
}

export async function writeConnections(path: string, uris: readonly string[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, connections: uris.map((uri) => ({ uri })) }, null, 2)}\n`)
}
