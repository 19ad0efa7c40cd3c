import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureRuntimeDir, resolvePaths } from './paths'
import { judgeBaseFolder, judgeOwnFolder } from './private-dir'

const NOBODY = 65534
const me = process.getuid?.() ?? 0
const mode = (p: string) => lstatSync(p).mode & 0o7777

describe('the decision on one folder', () => {
  const dir = { symlink: false, directory: true, uid: me, mode: 0o40700 }
  it('takes a private folder of the user, and tightens a loose one of its own', () => {
    expect(judgeOwnFolder(dir, me)).toEqual({ ok: true, tighten: false })
    expect(judgeOwnFolder({ ...dir, mode: 0o40777 }, me)).toEqual({ ok: true, tighten: true })
  })
  it('refuses a symlink (even to a folder of the user), a file, and a folder of another user', () => {
    expect(judgeOwnFolder({ ...dir, symlink: true, directory: false }, me)).toMatchObject({
      ok: false,
      why: { key: 'error.privateDir.symlink' },
    })
    expect(judgeOwnFolder({ ...dir, directory: false }, me)).toMatchObject({
      ok: false,
      why: { key: 'error.privateDir.notFolder' },
    })
    expect(judgeOwnFolder({ ...dir, uid: me + 1 }, me)).toMatchObject({
      ok: false,
      why: { key: 'error.privateDir.otherOwner' },
    })
  })
  it('trusts a base of the user or root, open only if sticky (as /tmp)', () => {
    expect(judgeBaseFolder({ ...dir, uid: 0, mode: 0o41777 }, 1000)).toEqual({
      ok: true,
      tighten: false,
    })
    expect(judgeBaseFolder({ ...dir, uid: 1000, mode: 0o40700 }, 1000)).toEqual({
      ok: true,
      tighten: false,
    })
    expect(judgeBaseFolder({ ...dir, uid: 0, mode: 0o40777 }, 1000)).toMatchObject({
      ok: false,
      why: { key: 'error.privateDir.writable' },
    })
    expect(judgeBaseFolder({ ...dir, uid: 1001, mode: 0o40700 }, 1000)).toMatchObject({
      ok: false,
      why: { key: 'error.privateDir.otherOwner' },
    })
  })
})

// Real folders and symlinks; the other user is `nobody` (chown needs root, as CI has).
describe('the runtime folder without XDG_RUNTIME_DIR (sudo, cron, CI)', () => {
  let tmp: string
  let env: NodeJS.ProcessEnv
  let parent: string
  let victim: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'vireo-rundir-'))
    chmodSync(tmp, 0o1777) // a /tmp of its own: sticky and open to everyone
    env = { TMPDIR: tmp, VIREO_HOME: join(tmp, 'home') }
    parent = join(tmp, `vireo-${me}`)
    victim = join(tmp, 'victim')
    mkdirSync(victim, { mode: 0o755 })
  })
  afterEach(() => rmSync(tmp, { recursive: true, force: true }))

  const asAttacker = (path: string) => lchownSync(path, NOBODY, NOBODY)
  const untouched = () => {
    expect(mode(victim)).toBe(0o755)
    expect(readdirSync(victim)).toEqual([])
  }

  it('makes a per-user folder in the temp dir and the runtime folder in it, both 0700 and the user’s', () => {
    const paths = resolvePaths(env)
    expect(paths.runtime).toBe(join(parent, paths.runtime.split('/').at(-1) ?? ''))
    expect(paths.runtimeBase).toBe(tmp)
    ensureRuntimeDir(paths, join(paths.runtime, 'vm1'))
    for (const dir of [parent, paths.runtime, join(paths.runtime, 'vm1')]) {
      expect(lstatSync(dir).isDirectory()).toBe(true)
      expect(lstatSync(dir).uid).toBe(me)
      expect(mode(dir)).toBe(0o700)
    }
  })

  it.skipIf(me !== 0)(
    'refuses a per-user folder another user made first (0777) with a symlink inside, and touches nothing it points at',
    () => {
      const paths = resolvePaths(env)
      mkdirSync(parent)
      chmodSync(parent, 0o777)
      asAttacker(parent)
      symlinkSync(victim, paths.runtime)
      asAttacker(paths.runtime)
      expect(() => ensureRuntimeDir(paths)).toThrow(
        expect.objectContaining({
          code: 'HOST_UNSUPPORTED',
          message: `${parent} belongs to another user (uid ${NOBODY}), so Vireo will not keep its VM sockets there.`,
          hint: expect.stringMatching(/Remove that folder.*XDG_RUNTIME_DIR/),
        }),
      )
      untouched()
      expect(mode(parent)).toBe(0o777)
    },
  )

  it.skipIf(me !== 0)(
    'refuses a per-user folder that is a symlink, even one pointing at a folder of the user',
    () => {
      const paths = resolvePaths(env)
      symlinkSync(victim, parent)
      asAttacker(parent)
      expect(() => ensureRuntimeDir(paths)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining(`${parent} is a symbolic link`),
        }),
      )
      untouched()
    },
  )

  it('refuses a symlink at the runtime folder or a VM’s folder in a per-user folder of the user', () => {
    const paths = resolvePaths(env)
    mkdirSync(parent, { mode: 0o700 })
    symlinkSync(victim, paths.runtime)
    expect(() => ensureRuntimeDir(paths)).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(`${paths.runtime} is a symbolic link`),
      }),
    )
    rmSync(paths.runtime)
    mkdirSync(paths.runtime, { mode: 0o700 })
    symlinkSync(victim, join(paths.runtime, 'vm1'))
    expect(() => ensureRuntimeDir(paths, join(paths.runtime, 'vm1'))).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(`${join(paths.runtime, 'vm1')} is a symbolic link`),
      }),
    )
    untouched()
  })

  it.skipIf(me !== 0)(
    'tightens a loose per-user folder of the user, and refuses what another user put in it meanwhile',
    () => {
      const paths = resolvePaths(env)
      mkdirSync(parent)
      chmodSync(parent, 0o777)
      mkdirSync(paths.runtime, { mode: 0o700 })
      asAttacker(paths.runtime)
      expect(() => ensureRuntimeDir(paths)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining(`${paths.runtime} belongs to another user`),
        }),
      )
      expect(mode(parent)).toBe(0o700)
      rmSync(paths.runtime, { recursive: true })
      ensureRuntimeDir(paths)
      expect(mode(paths.runtime)).toBe(0o700)
    },
  )

  it.skipIf(me !== 0)(
    'refuses an XDG_RUNTIME_DIR of another user, or one anybody may write to',
    () => {
      const xdg = join(tmp, 'xdg')
      mkdirSync(xdg, { mode: 0o700 })
      chownSync(xdg, NOBODY, NOBODY)
      const paths = resolvePaths({ ...env, XDG_RUNTIME_DIR: xdg })
      expect(() => ensureRuntimeDir(paths)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining(`${xdg} belongs to another user`),
        }),
      )
      chownSync(xdg, me, me)
      chmodSync(xdg, 0o777)
      expect(() => ensureRuntimeDir(paths)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining(`${xdg} can be written by other users`),
        }),
      )
      expect(existsSync(paths.runtime)).toBe(false)
      chmodSync(xdg, 0o700)
      ensureRuntimeDir(paths)
      expect(statSync(paths.runtime).isDirectory()).toBe(true)
    },
  )
})
