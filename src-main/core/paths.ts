import { mkdirSync, statSync, chmodSync } from 'node:fs'
import { homedir, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { VireoError } from './errors'
import { fnv1a } from './hash'

/** Where Vireo keeps its data (VM folders) and its runtime files (sockets, pidfiles). */
export interface VireoPaths {
  /** `$VIREO_HOME`, else `$XDG_DATA_HOME/vireo`, else `~/.local/share/vireo`. */
  home: string
  /** `<home>/vms`: one folder per VM. */
  vms: string
  /** A private (0700) folder for sockets and pidfiles; short, so socket paths fit in 107 bytes. */
  runtime: string
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): VireoPaths {
  const home =
    env.VIREO_HOME ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vireo')
  return { home, vms: join(home, 'vms'), runtime: runtimeDir(env) }
}

/**
 * The runtime folder. `$XDG_RUNTIME_DIR/vireo` where the session has one; otherwise a
 * per-user folder under the temp dir. With `VIREO_HOME` set (tests, several instances),
 * a short hash of it keeps instances apart.
 */
function runtimeDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_RUNTIME_DIR ?? join(tmpdir(), `vireo-${userInfo().uid}`)
  const suffix = env.VIREO_HOME === undefined ? '' : `-${fnv1a(env.VIREO_HOME).toString(36)}`
  return join(base, `vireo${suffix}`)
}


/** Creates `dir` (and parents) and makes sure it is a directory only its owner can enter. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const st = statSync(dir)
  if (st.uid !== process.getuid?.()) {
    throw new VireoError(
      'HOST_UNSUPPORTED',
      `${dir} belongs to another user, so Vireo will not keep its VM sockets there.`,
      'Remove that folder (another user may have made it to intercept your VMs), or set XDG_RUNTIME_DIR to a folder of your own.',
      { path: dir },
    )
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700)
}
