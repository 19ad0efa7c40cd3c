import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const repo = join(import.meta.dirname, '..', '..')

export interface SetupSandbox {
  /** The copy's root: scripts/setup.sh and scripts/start.js, package.json, node_modules. */
  root: string
  /** Folder of stand-in `npm`, `apt-get`, `apt-cache`, `dpkg-query` and `sudo`; first on PATH. */
  bin: string
  /** What the stand-in npm was called with, one `ELECTRON_SKIP_BINARY_DOWNLOAD=… args` a line. */
  npmLog: string
  /** An environment for running the copy's scripts: PATH with the stand-ins, nothing of Electron's. */
  env: Record<string, string>
}

/**
 * Test support (not shipped): a throwaway copy of the project in which scripts/setup.sh and
 * scripts/start.js run for real, but npm and apt are stand-ins that only record their calls
 * (so no package is installed, and apt reports everything present). node_modules links to the
 * real packages, except electron: a real copy of its package (its real install.js included)
 * without a binary, so a download writes only into the copy.
 */
export function setupSandbox(): SetupSandbox {
  const root = mkdtempSync(join(tmpdir(), 'vireo-setup-'))
  mkdirSync(join(root, 'scripts'))
  for (const file of ['setup.sh', 'start.js'])
    cpSync(join(repo, 'scripts', file), join(root, 'scripts', file))
  for (const file of ['package.json', 'package-lock.json'])
    cpSync(join(repo, file), join(root, file))
  const modules = join(root, 'node_modules')
  mkdirSync(modules)
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name !== 'electron' && name !== '.bin' && name !== '.cache')
      symlinkSync(join(repo, 'node_modules', name), join(modules, name))
  }
  cpSync(join(repo, 'node_modules', 'electron'), join(modules, 'electron'), {
    recursive: true,
    filter: (src) => !/[/\\]electron[/\\](dist|path\.txt)$/.test(src),
  })

  const bin = join(root, '.stand-ins')
  const npmLog = join(root, 'npm-calls.log')
  mkdirSync(bin)
  const standIn = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  standIn(
    'npm',
    `echo "ELECTRON_SKIP_BINARY_DOWNLOAD=$ELECTRON_SKIP_BINARY_DOWNLOAD $*" >> '${npmLog}'`,
  )
  standIn('dpkg-query', "printf 'install ok installed'")
  standIn('apt-cache', 'exit 0')
  standIn('apt-get', "echo 'apt-get was called' >&2; exit 1")
  standIn('sudo', 'exec "$@"')
  const env: Record<string, string> = {
    PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    HOME: root,
    // Electron's download cache, empty: a zip cached by an earlier download is never found.
    electron_config_cache: join(root, 'electron-cache'),
  }
  return { root, bin, npmLog, env }
}

/** Replaces the copy's electron/install.js with `source` (a stand-in for its download). */
export function standInInstall(sandbox: SetupSandbox, source: string): void {
  writeFileSync(join(sandbox.root, 'node_modules', 'electron', 'install.js'), source)
}
