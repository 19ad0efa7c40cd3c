import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { VireoError, msg } from '../errors'
import { writeFileAtomic } from '../fs-atomic'
import { vmConfigSchema, type VmConfig } from './config'
import { loadConfig } from './config-migrations'
import { claimStaging, settleStaging, stagingOwner, stopOrphanedCopies } from './staging-owner'

export type StoredVm =
  | { id: string; dir: string; ok: true; config: VmConfig }
  | { id: string; dir: string; ok: false; reason: string }

const CONFIG_FILE = 'vm.json'

/**
 * VM definitions on disk: one folder per VM under `<home>/vms/<id>/` holding vm.json, its
 * disks and its logs. A broken vm.json is reported, never fatal to the list, and never a
 * reason to touch that VM's disks.
 */
export class VmStore {
  constructor(readonly vmsDir: string) {}

  dirOf(id: string): string {
    return join(this.vmsDir, id)
  }

  static newId(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
    return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('')
  }

  async list(): Promise<StoredVm[]> {
    let names: string[]
    try {
      names = await readdir(this.vmsDir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return []
      if (code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR' || code === 'ELOOP') {
        throw new VireoError(
          'HOST_UNSUPPORTED',
          msg('error.store.unreadable', { path: this.vmsDir, why: msg(code === 'ENOTDIR' ? 'error.store.fileInTheWay' : 'error.store.permissionDenied') }),
          msg('error.store.unreadableHint'),
          { path: this.vmsDir },
        )
      }
      throw error
    }
    const ids = names.filter((n) => /^[a-z0-9]{8,32}$/.test(n)).sort()
    return Promise.all(ids.map((id) => this.read(id)))
  }

  async read(id: string): Promise<StoredVm> {
    const dir = this.dirOf(id)
    let text: string
    try {
      text = await readFile(join(dir, CONFIG_FILE), 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return { id, dir, ok: false, reason: 'vm.json is missing' }
      return { id, dir, ok: false, reason: `vm.json cannot be read (${code ?? 'error'})` }
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return { id, dir, ok: false, reason: 'vm.json is not valid JSON (truncated or edited?)' }
    }
    const loaded = loadConfig(raw)
    if (!loaded.ok) return { id, dir, ok: false, reason: loaded.reason }
    if (loaded.config.id !== id) {
      return { id, dir, ok: false, reason: `vm.json names id "${loaded.config.id}", not "${id}"` }
    }
    return { id, dir, ok: true, config: loaded.config }
  }

  /** The stored VM, healthy or broken; NOT_FOUND when it has no folder at all. */
  async find(id: string): Promise<StoredVm> {
    const found = await stat(this.dirOf(id)).then((st) => st.isDirectory(), () => false)
    if (!found) throw new VireoError('NOT_FOUND', msg('error.store.noVmWithId', { id }), msg('error.store.noVmWithIdHint'))
    return this.read(id)
  }

  /** The definition of a VM that loads; a typed error for a missing or broken one. */
  async get(id: string): Promise<VmConfig> {
    const vm = await this.find(id)
    if (vm.ok) return vm.config
    throw new VireoError(
      'VM_BROKEN',
      msg('error.store.broken', { id, reason: vm.reason }),
      msg('error.store.brokenHint', { file: join(vm.dir, CONFIG_FILE) }),
    )
  }

  /** Makes the VM's folder (it must not exist yet). */
  async createDir(id: string): Promise<string> {
    return this.makeDir(this.dirOf(id))
  }

  /**
   * Makes a hidden folder to build a new VM in (its disk, then its definition): until
   * `commit` moves it into place, the VM is not listed, so a VM still being made (or whose
   * making was cut short) never shows up half-made.
   */
  async createStaging(id: string): Promise<string> {
    const dir = await this.makeDir(join(this.vmsDir, `.new-${id}`))
    // Best effort: without the record (a full disk), a cut-short creation is swept once idle.
    await claimStaging(dir).catch(() => {})
    return dir
  }

  /**
   * Removes what cut-short work left in the VMs' folder: `.deleted-*` (a delete stopped
   * between its rename and its removal) at once; `.new-*` (a creation that never finished)
   * at once when the front end that made it is gone, after stopping the qemu-img copy it
   * left running (both proven by pid and start time, see staging-owner), and without that
   * record once nothing in it has changed for `idleMs`. A creation still running in another
   * window or command (a long import) is left alone. Returns what it removed.
   */
  async sweepLeftovers(idleMs = 60 * 60 * 1000, now = Date.now()): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.vmsDir)
    } catch {
      return []
    }
    const removed: string[] = []
    for (const name of names) {
      const path = join(this.vmsDir, name)
      // (A `.new-*` gone meanwhile was committed by another front end: NaN, not abandoned.)
      const owner = name.startsWith('.new-') ? await stagingOwner(path) : null
      const abandoned =
        name.startsWith('.deleted-') ||
        owner === 'abandoned' ||
        (owner === 'unknown' && now - (await lastChange(path)) > idleMs)
      if (!abandoned) continue
      if (owner === 'abandoned') await stopOrphanedCopies(path)
      await rm(path, { recursive: true, force: true, maxRetries: 3 })
      removed.push(path)
    }
    return removed
  }

  /** Writes the new VM's definition into its staging folder and moves the folder into place. */
  async commit(config: VmConfig, staging: string): Promise<void> {
    const valid = vmConfigSchema.parse(config)
    await settleStaging(staging)
    await this.writeConfig(staging, valid)
    await rename(staging, this.dirOf(valid.id))
  }

  private async makeDir(dir: string): Promise<string> {
    try {
      await mkdir(this.vmsDir, { recursive: true, mode: 0o700 })
      await mkdir(dir, { mode: 0o700 })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new VireoError('NO_SPACE', msg('error.store.fullForFolder', { path: this.vmsDir }), msg('error.store.freeSpace'), { path: dir })
      }
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
        throw new VireoError('COMMAND_FAILED', msg('error.store.cannotMakeFolder', { path: this.vmsDir, code }), msg('error.store.cannotMakeFolderHint'), { path: dir })
      }
      throw error
    }
    return dir
  }

  async save(config: VmConfig): Promise<void> {
    const valid = vmConfigSchema.parse(config)
    await this.writeConfig(this.dirOf(valid.id), valid)
  }

  private async writeConfig(dir: string, valid: VmConfig): Promise<void> {
    const body = JSON.stringify(valid, null, 2) + '\n'
    try {
      await writeFileAtomic(join(dir, CONFIG_FILE), body)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOSPC' || code === 'EROFS' || code === 'EDQUOT') {
        throw new VireoError(
          'NO_SPACE',
          msg('error.store.settingsNotSaved', { name: valid.name, code: code ?? 'error' }),
          msg('error.store.settingsNotSavedHint'),
        )
      }
      if (code === 'ENOENT') {
        // Its folder is gone: another window or command deleted the VM meanwhile.
        throw new VireoError('NOT_FOUND', msg('error.store.deletedWhileSaving', { name: valid.name }), msg('error.vm.refreshList'))
      }
      throw error
    }
  }

  /**
   * Removes a VM. With `keep`, the named files in its folder (its disks) survive: everything
   * else goes, and the folder moves to `<home>/kept-disks/<id>` so it no longer lists as a
   * VM. Returns where the kept files are now.
   */
  async remove(id: string, keep: string[] = []): Promise<string[]> {
    const dir = this.dirOf(id)
    const inside = keep.filter((path) => dirname(path) === dir)
    if (inside.length === 0) {
      // Out of the list first, in one rename, so that nothing written into the folder
      // meanwhile (a settings change from another window) can bring a half-deleted VM back.
      const trash = join(this.vmsDir, `.deleted-${id}-${randomBytes(4).toString('hex')}`)
      await rename(dir, trash)
      await rm(trash, { recursive: true, force: true, maxRetries: 3 }).catch(() => {})
      return keep
    }
    const names = new Set(inside.map((path) => basename(path)))
    for (const name of await readdir(dir)) {
      if (!names.has(name)) await rm(join(dir, name), { recursive: true, force: true })
    }
    const keptRoot = join(this.vmsDir, '..', 'kept-disks')
    await mkdir(keptRoot, { recursive: true, mode: 0o700 })
    const target = join(keptRoot, id)
    await rename(dir, target)
    return keep.map((path) => (dirname(path) === dir ? join(target, basename(path)) : path))
  }
}

/** The latest modification time of a folder and the files directly in it. */
async function lastChange(dir: string): Promise<number> {
  let latest = (await stat(dir).catch(() => null))?.mtimeMs ?? Number.NaN
  for (const name of await readdir(dir).catch(() => [])) {
    const st = await stat(join(dir, name)).catch(() => null)
    if (st !== null) latest = Math.max(latest, st.mtimeMs)
  }
  return latest
}
