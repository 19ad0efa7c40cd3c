import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

/** The built `vireo` command (bin/vireo.js), as a user runs it. */
export const vireoBin = join(import.meta.dirname, '..', '..', '..', 'bin', 'vireo.js')

/**
 * Test support (not shipped): a throwaway VIREO_HOME and the built `vireo` run in it, with no
 * terminal (stdin, stdout and stderr are pipes, as in a script).
 */
export function cliHome(prefix = 'vireo-cli-') {
  const home = mkdtempSync(join(tmpdir(), prefix))
  const env = { VIREO_HOME: home }
  const vireo = (...args: string[]) =>
    execa(process.execPath, [vireoBin, ...args], { env, reject: false, timeout: 120_000 })
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await vireo(...args, '--json')
    if (r.exitCode !== 0) throw new Error(`vireo ${args.join(' ')} failed: ${r.stderr}`)
    return JSON.parse(r.stdout) as T
  }
  return { home, env, vireo, json }
}
