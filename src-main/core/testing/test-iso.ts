import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

let cached: string | undefined

/**
 * Test support (not shipped): the path of the test installer ISO, built from Debian packages by
 * e2e/fixtures/build-test-iso.sh on first use and cached across runs. The core's integration
 * tests and the e2e suite boot the same one.
 */
export function testIsoPath(): string {
  if (cached === undefined) {
    const script = join(import.meta.dirname, '..', '..', '..', 'e2e', 'fixtures', 'build-test-iso.sh')
    const out = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 })
    const last = out.toString().trim().split('\n').at(-1)
    if (!last) throw new Error('build-test-iso.sh printed no ISO path')
    cached = last
  }
  return cached
}
