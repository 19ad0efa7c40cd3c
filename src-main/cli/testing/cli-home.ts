import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

/** The built `vireo` command (bin/vireo.js), as a user runs it. */
export const vireoBin = join(import.meta.dirname, '..', '..', '..', 'bin', 'vireo.js')

/** For a test file's beforeAll: fails at once, saying what to do, when the app is not built. */
export function requireBuild(): void {
  if (!existsSync(join(import.meta.dirname, '..', '..', '..', 'out', 'main', 'cli.js'))) {
    throw new Error('Build first: npm run build (npm test does it for you).')
  }
}

export interface CliHomeOptions {
  /** The name of the throwaway VIREO_HOME begins so (vireo-cli- unless told). */
  prefix?: string
  /** A VIREO_HOME of the test's own instead (the first command makes it). */
  home?: string
  /** More of the environment (XDG_RUNTIME_DIR…). */
  env?: Record<string, string>
  /** How long one command may take (2 minutes unless told; 0: no limit). */
  timeoutMs?: number
}

/**
 * Test support (not shipped): a throwaway VIREO_HOME (a string: the prefix of its name) and
 * the built `vireo` run in it, with no terminal (stdin, stdout and stderr are pipes, as in a
 * script). `withEnv(extra)` runs it with more in its environment (a PATH without QEMU…).
 */
export function cliHome(at: string | CliHomeOptions = {}) {
  const options = typeof at === 'string' ? { prefix: at } : at
  const home = options.home ?? mkdtempSync(join(tmpdir(), options.prefix ?? 'vireo-cli-'))
  // English whatever the developer's locale, unless a test asks for another (cli-language); its
  // own settings folder (saved connections) unless told: never the machine's ~/.config.
  const env: Record<string, string> = {
    VIREO_HOME: home,
    LC_ALL: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, 'config'),
    ...options.env,
  }
  const timeout = options.timeoutMs ?? 120_000
  const withEnv =
    (extra: Record<string, string>) =>
    (...args: string[]) =>
      execa(process.execPath, [vireoBin, ...args], { env: { ...env, ...extra }, reject: false, timeout })
  const vireo = withEnv({})
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await vireo(...args, '--json')
    if (r.exitCode !== 0) throw new Error(`vireo ${args.join(' ')} failed: ${r.stderr}`)
    return JSON.parse(r.stdout) as T
  }
  return { home, env, vireo, withEnv, json }
}
