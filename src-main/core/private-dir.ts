import {
  constants,
  closeSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  statSync,
} from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { VireoError, msg, type Message } from './errors'

/** What `lstat` says about one level of a path: the facts the decision below needs. */
export interface FolderFacts {
  symlink: boolean
  directory: boolean
  uid: number
  mode: number
}

export type FolderVerdict = { ok: true; tighten: boolean } | { ok: false; why: Message }

/**
 * Whether a folder Vireo makes for itself (the per-user parent in the temp dir, the runtime
 * folder, a VM's folder in it) can hold its sockets. It must be a real folder (never a
 * symlink: another user could point it anywhere) owned by this user. A loose mode on a folder
 * of its own is tightened to 0700: its parent is already proven private, or sticky, so
 * nobody else can swap it meanwhile.
 */
export function judgeOwnFolder(f: FolderFacts, uid: number): FolderVerdict {
  if (f.symlink) return { ok: false, why: msg('error.privateDir.symlink') }
  if (!f.directory) return { ok: false, why: msg('error.privateDir.notFolder') }
  if (f.uid !== uid) return { ok: false, why: msg('error.privateDir.otherOwner', { uid: f.uid }) }
  return { ok: true, tighten: (f.mode & 0o077) !== 0 }
}

/**
 * Whether the folder Vireo trusts but does not make (`$XDG_RUNTIME_DIR`, or the temp dir)
 * is safe to make folders in: owned by this user or root, and writable by nobody else unless
 * it is sticky (as /tmp is: there only an entry's owner may rename or remove it).
 */
export function judgeBaseFolder(f: FolderFacts, uid: number): FolderVerdict {
  if (!f.directory) return { ok: false, why: msg('error.privateDir.notFolder') }
  if (f.uid !== uid && f.uid !== 0)
    return { ok: false, why: msg('error.privateDir.otherOwner', { uid: f.uid }) }
  if ((f.mode & 0o022) !== 0 && (f.mode & 0o1000) === 0) {
    return { ok: false, why: msg('error.privateDir.writable') }
  }
  return { ok: true, tighten: false }
}

function facts(path: string, follow: boolean): FolderFacts {
  const st = follow ? statSync(path) : lstatSync(path)
  return { symlink: st.isSymbolicLink(), directory: st.isDirectory(), uid: st.uid, mode: st.mode }
}

function refuse(dir: string, why: Message): VireoError {
  return new VireoError(
    'HOST_UNSUPPORTED',
    msg('error.privateDir.refused', { path: dir, why }),
    msg('error.privateDir.refusedHint'),
    { path: dir },
  )
}

/**
 * Makes sure `dir`, below the trusted folder `base`, is a private folder of this user, level
 * by level: each folder under `base` is made with an exclusive mkdir (0700), and one that
 * was already there is checked with lstat (never followed) before anything is put in it.
 */
export function ensurePrivateDir(dir: string, base: string): void {
  const uid = process.getuid?.() ?? 0
  const rel = relative(base, dir)
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${dir} is not inside ${base}`)
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 })
    // The trusted folder may be a symlink (as /var/run is): one of this user's or root's,
    // ending in a safe folder.
    const link = lstatSync(base)
    if (link.isSymbolicLink() && link.uid !== uid && link.uid !== 0) {
      throw refuse(base, msg('error.privateDir.otherSymlink', { uid: link.uid }))
    }
    const verdict = judgeBaseFolder(facts(base, true), uid)
    if (!verdict.ok) throw refuse(base, verdict.why)
  } catch (error) {
    if (error instanceof VireoError) throw error
    throw refuse(base, msg('error.privateDir.unusable', { code: (error as NodeJS.ErrnoException).code ?? String(error) }))
  }
  let current = base
  for (const part of rel.split(sep).filter((p) => p !== '')) {
    current = join(current, part)
    ownFolder(current, uid)
  }
}

function ownFolder(dir: string, uid: number): void {
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EEXIST') throw refuse(dir, msg('error.privateDir.unmakeable', { code: code ?? String(error) }))
  }
  const verdict = judgeOwnFolder(facts(dir, false), uid)
  if (!verdict.ok) throw refuse(dir, verdict.why)
  if (!verdict.tighten) return
  // Tighten exactly the folder that was checked: opened without following a link, and
  // proven by its own descriptor to be a folder of this user.
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
  try {
    const st = fstatSync(fd)
    if (!st.isDirectory() || st.uid !== uid) throw refuse(dir, msg('error.privateDir.changed'))
    fchmodSync(fd, 0o700)
  } finally {
    closeSync(fd)
  }
}
