import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import type { BackendEvents } from '../backends/backend'
import { LibvirtBackend } from '../backends/libvirt-backend'
import { LocalBackend } from '../backends/local-backend'
import { resolvePaths, type VireoPaths } from '../paths'
import type { VmSummary } from '../types'
import { Vireo } from '../vireo'
import { mountTmpfs, tearDownRoot } from './fault-support'

/**
 * Test support (not shipped): front ends of the real core over throwaway folders under one
 * root (each VIREO_HOME its own, one runtime folder), and their tear-down.
 */
export class VireoHarness {
  readonly root: string
  /** Folders mounted under the root (tmpfs), unmounted at tear-down. */
  readonly mounts: string[] = []
  private readonly fronts: Vireo[] = []

  constructor(prefix: string) {
    this.root = mkdtempSync(join(tmpdir(), prefix))
  }

  /**
   * A front end whose VIREO_HOME is the folder `name` under the root. `watch`: it follows its
   * VMs' QMP events as the long-lived front ends do (a guest that powers off is seen stopped).
   */
  front(name: string, { watch = false, also = {} as Record<string, string> } = {}): Vireo {
    return this.at(this.paths(name), { watch, also })
  }

  /** The paths of a front end whose VIREO_HOME is the folder `name` under the root. */
  paths(name: string): VireoPaths {
    return resolvePaths({ VIREO_HOME: join(this.root, name), XDG_RUNTIME_DIR: join(this.root, 'run') })
  }

  /**
   * A front end on `paths` of the test's own making (a hostile runtime folder, a deep one…).
   * `also`: more connections beside `local`, each (by id) a second Vireo folder under the root.
   */
  at(
    paths: VireoPaths,
    { watch = false, also = {} as Record<string, string>, libvirt = [] as string[] } = {},
  ): Vireo {
    const connections = [
      ...Object.entries(also).map(
        ([id, folder]) => (events: BackendEvents) =>
          new LocalBackend({ id, paths: this.paths(folder), watch, events }),
      ),
      // `libvirt`: libvirt URIs, each a connection after those.
      ...libvirt.map((uri) => (events: BackendEvents) => new LibvirtBackend({ uri, watch, events })),
    ]
    const vireo = new Vireo({ paths, watch, connections })
    this.fronts.push(vireo)
    return vireo
  }

  /**
   * Makes the folder `name` under the root and mounts a tmpfs with `options` on it (unmounted
   * at tear-down). Null when it worked, else why not, for `skip(reason)` (see mountTmpfs).
   */
  async tmpfs(name: string, options: string): Promise<string | null> {
    const dir = join(this.root, name)
    mkdirSync(dir)
    const cannot = await mountTmpfs(dir, options)
    if (cannot === null) this.mounts.push(dir)
    return cannot
  }

  /** Disposes the front ends; returns the QEMUs still running (see tearDownRoot). */
  async tearDown(): Promise<number[]> {
    for (const v of this.fronts) v.dispose()
    return tearDownRoot(this.root, this.mounts)
  }
}

/** The VM `id` as the list shows it; throws if it is not listed. */
export async function summaryOf(vireo: Vireo, id: string): Promise<VmSummary> {
  const found = (await vireo.listVms()).find((s) => s.id === id)
  if (found === undefined) throw new Error(`VM ${id} is not listed`)
  return found
}

/** The pid of the VM's QEMU; throws if it has none. */
export async function pidOf(vireo: Vireo, id: string): Promise<number> {
  const { pid } = await vireo.supervisor.status(id)
  if (pid === undefined) throw new Error(`VM ${id} has no QEMU`)
  return pid
}

/** Runs one qemu-io command on an image; its exit code is non-zero when the command failed. */
export async function qemuIo(path: string, format: string, command: string): Promise<number> {
  const r = await execa('qemu-io', ['-f', format, '-c', command, path], { reject: false })
  return r.exitCode ?? -1
}

/** QEMU key codes for the characters `typeKeys` knows beyond letters and digits (US layout). */
const keysOf: Record<string, string[]> = {
  ' ': ['spc'],
  '\n': ['ret'],
  '=': ['equal'],
  '-': ['minus'],
  '/': ['slash'],
  '.': ['dot'],
  $: ['shift', '4'],
  '>': ['shift', 'dot'],
}

/** Types `text` on the VM's keyboard, a key at a time (QMP send-key), as a user would. */
export async function typeKeys(vireo: Vireo, id: string, text: string): Promise<void> {
  for (const char of text) {
    const keys = /^[a-z0-9]$/.test(char)
      ? [char]
      : /^[A-Z]$/.test(char)
        ? ['shift', char.toLowerCase()]
        : keysOf[char]
    if (keys === undefined) throw new Error(`typeKeys cannot type ${JSON.stringify(char)}`)
    const qcodes = keys.map((data) => ({ type: 'qcode', data }))
    await vireo.supervisor.ctl(id, 'send-key', { keys: qcodes, 'hold-time': 20 })
    await new Promise((resolve) => setTimeout(resolve, 60))
  }
}
