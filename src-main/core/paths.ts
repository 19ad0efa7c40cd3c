import { homedir, tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { fnv1a } from './hash'
import { ensurePrivateDir } from './private-dir'
import { readSettings, settingsFile } from './settings'

/** Where Vireo keeps its data (VM folders) and its runtime files (sockets, pidfiles). */
export interface VireoPaths {
  /**
   * `$VIREO_HOME`, else the settings' `vmFolder` (settings.ts), else `$XDG_DATA_HOME/vireo`,
   * else `~/.local/share/vireo`.
   */
  home: string
  /** `<home>/vms`: one folder per VM. */
  vms: string
  /** A private (0700) folder for sockets and pidfiles; short, so socket paths fit in 107 bytes. */
  runtime: string
  /**
   * The folder the runtime folder is made in, which Vireo trusts but does not make:
   * `$XDG_RUNTIME_DIR`, or the temp dir. Every level below it is Vireo's own. Default: the
   * runtime folder's parent.
   */
  runtimeBase?: string
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): VireoPaths {
  // The settings file is read only when VIREO_HOME does not decide (it overrides).
  const home =
    env.VIREO_HOME ??
    readSettings(settingsFile(env)).vmFolder ??
    join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vireo')
  return { home, vms: join(home, 'vms'), ...runtimeDir(env) }
}

/**
 * The runtime folder. `$XDG_RUNTIME_DIR/vireo` where the session has one; otherwise a
 * per-user folder under the temp dir (`/tmp/vireo-<uid>/vireo`: sudo, cron, CI). With
 * `VIREO_HOME` set (tests, several instances), a short hash of it keeps instances apart.
 */
function runtimeDir(env: NodeJS.ProcessEnv): { runtime: string; runtimeBase: string } {
  const name = `vireo${env.VIREO_HOME === undefined ? '' : `-${fnv1a(env.VIREO_HOME).toString(36)}`}`
  if (env.XDG_RUNTIME_DIR !== undefined && env.XDG_RUNTIME_DIR !== '') {
    return { runtime: join(env.XDG_RUNTIME_DIR, name), runtimeBase: env.XDG_RUNTIME_DIR }
  }
  // As os.tmpdir(), but from `env` (the temp dir of the process it describes).
  const base = env.TMPDIR !== undefined && env.TMPDIR !== '' ? env.TMPDIR.replace(/(.)\/+$/, '$1') : tmpdir()
  return { runtime: join(base, `vireo-${userInfo().uid}`, name), runtimeBase: base }
}

/** Makes the runtime folder `dir` (or a folder in it) private, level by level: see private-dir. */
export function ensureRuntimeDir(paths: Pick<VireoPaths, 'runtime' | 'runtimeBase'>, dir = paths.runtime): void {
  ensurePrivateDir(dir, paths.runtimeBase ?? dirname(paths.runtime))
}
