import { libvirtMessages as m } from './libvirt-messages'

/**
 * A libvirt connection's storage, as Vireo uses it: the disks of the domains it makes are
 * volumes of one pool (`default`, as virt-manager's), made, uploaded, cloned and deleted by
 * virsh (`vol-create-as`, `vol-upload`, `vol-clone`, `vol-delete`), so that they live on the
 * connection's host whether it is this computer or one reached over SSH.
 */
export type VirshCall = (args: string[], timeoutMs?: number) => Promise<string>

export const DEFAULT_POOL = 'default'

/** Long enough for a large upload or copy of a disk (virsh itself reports no progress). */
const COPY_TIMEOUT_MS = 6 * 60 * 60 * 1000

/** The folder of an active pool, or a clear error saying how to make one. */
export async function poolPath(call: VirshCall, uri: string, pool = DEFAULT_POOL): Promise<string> {
  const active = (await call(['pool-list', '--name'])).split('\n').map((l) => l.trim())
  if (!active.includes(pool)) throw m.noPool(uri, pool)
  const xml = await call(['pool-dumpxml', pool])
  const path = /<target>\s*<path>([^<]+)<\/path>/.exec(xml)?.[1]
  if (path === undefined) throw m.noPool(uri, pool)
  return path.replace(/&amp;/g, '&').replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
}

/** The active network `default`, or null (user networking then). */
export async function defaultNetwork(call: VirshCall): Promise<string | null> {
  const active = (await call(['net-list', '--name']).catch(() => '')).split('\n').map((l) => l.trim())
  return active.includes('default') ? 'default' : null
}

export async function volumeExists(call: VirshCall, pool: string, name: string): Promise<boolean> {
  return call(['vol-info', '--pool', pool, name]).then(
    () => true,
    () => false,
  )
}

/** A new, empty volume. */
export async function createVolume(call: VirshCall, pool: string, name: string, bytes: number, format: string): Promise<void> {
  await call(['vol-create-as', pool, name, String(bytes), '--format', format])
}

/**
 * A volume holding the bytes of a local image file (already in the format wanted): created raw
 * at the file's size, filled by `vol-upload`, then read again by libvirt (which finds its format).
 */
export async function uploadVolume(call: VirshCall, pool: string, name: string, file: string, bytes: number): Promise<void> {
  await call(['vol-create-as', pool, name, String(bytes), '--allocation', '0', '--format', 'raw'])
  await call(['vol-upload', '--pool', pool, name, file], COPY_TIMEOUT_MS)
  await call(['pool-refresh', pool])
}

/** A full copy of a volume in the same pool (sparse; no backing file). */
export async function cloneVolume(call: VirshCall, pool: string, from: string, to: string): Promise<void> {
  await call(['vol-clone', '--pool', pool, from, to], COPY_TIMEOUT_MS)
}

/** Deletes volumes given by path, ignoring those already gone (an undo: it must not throw). */
export async function deleteVolumes(call: VirshCall, paths: readonly string[]): Promise<void> {
  for (const path of paths) await call(['vol-delete', path]).catch(() => undefined)
}

/** The path of a volume of `pool`. */
export async function volumePath(call: VirshCall, pool: string, name: string): Promise<string> {
  return (await call(['vol-path', '--pool', pool, name])).trim()
}
