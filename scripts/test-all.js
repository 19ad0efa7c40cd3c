// `npm test`: the one-shot checks (typecheck, lint, build, electronegativity, the benchmarks'
// smoke run) and the test suites (unit, integration, e2e), each one's own output as it runs,
// then the skips with their reasons, the failures, a summary of checks and suites apart, and
// one last line for CI: `N passed, N failed, N skipped`. Tests are counted from each runner's
// JSON report (scripts/test-report.js says how); a failed check counts there as 1 failed, so
// the last line never reads 0 failed when `npm test` fails.
// `node scripts/test-all.js static|unit|integration|e2e|bench|package [FILE…]` runs one part (a
// suite with only those test files).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { playwrightOutcome, suiteOutcome, vitestOutcome } from './test-report.js'

mkdirSync('test-results', { recursive: true })
const totals = { passed: 0, failed: 0, skipped: 0 }
const checks = []
const suites = []
const skips = []
const failures = []

function run(name, command, args) {
  console.log(`\n━━ ${name}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit' })
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  return { ok: result.status === 0, seconds }
}

/** A check that passes or fails as one (typecheck, lint, build…): apart from the test counts. */
function check(name, command, args) {
  const { ok, seconds } = run(name, command, args)
  checks.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`)
  if (!ok) {
    totals.failed += 1
    failures.push(`${name}: the check failed (counted as 1 failed)`)
  }
  return ok
}

/** A test runner, counted from its JSON report. */
function suite(name, command, args, report, read) {
  rmSync(report, { force: true })
  const { ok, seconds } = run(name, command, [...args, ...files])
  const text = existsSync(report) ? readFileSync(report, 'utf8') : null
  const out = suiteOutcome({ ok, text, read })
  for (const k of Object.keys(totals)) totals[k] += out[k]
  skips.push(...out.skips.map((s) => `${name}: ${s}`))
  failures.push(...out.failures.map((s) => `${name}: ${s}`))
  suites.push(
    `${name}: ${out.passed} passed, ${out.failed} failed, ${out.skipped} skipped (${seconds} s)`,
  )
}

// Vitest's JSON reporter plus each skip's reason and each hook failure (see that file).
const vitest = (project) => [
  'vitest',
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=./scripts/vitest-json-reporter.js',
  `--outputFile.json=test-results/${project}.json`,
]

const [only, ...files] = process.argv.slice(2)
const part = (name) => only === undefined || only === name
if (part('static')) {
  check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.node.json'])
  check('typecheck (renderer)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.web.json'])
  check('lint', 'npx', ['eslint', '--max-warnings', '0', '.'])
}
const built =
  part('e2e') || part('integration') || part('bench') || part('package')
    ? check('build', 'npx', ['electron-vite', 'build'])
    : true
if (only === undefined && built)
  check('electronegativity', 'node', ['scripts/electronegativity.js'])
if (part('unit')) suite('unit', 'npx', vitest('unit'), 'test-results/unit.json', vitestOutcome)
if (part('integration'))
  suite('integration', 'npx', vitest('integration'), 'test-results/integration.json', vitestOutcome)
// The Electron journey needs a display: without one, give Playwright a virtual one (xvfb).
const xvfb =
  process.env.DISPLAY === undefined &&
  process.env.WAYLAND_DISPLAY === undefined &&
  spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0
if (part('e2e') && built) {
  suite(
    'e2e',
    ...(xvfb ? ['xvfb-run', ['-a', 'npx', 'playwright', 'test']] : ['npx', ['playwright', 'test']]),
    'test-results/e2e.json',
    playwrightOutcome,
  )
}
// The server package built, installed with apt and run from /usr/bin/vireo: CI only (.ci/run sets
// VIREO_CI_PACKAGE=1), as it needs root and installs a package; elsewhere listed as skipped.
if (part('package') && built) {
  if (process.env.VIREO_CI_PACKAGE === '1' || only === 'package')
    check('package (install, run)', 'bash', ['scripts/package-check.sh'])
  else {
    totals.skipped += 1
    skips.push(
      'package (install, run): CI only (VIREO_CI_PACKAGE=1, root: apt-get install); `node scripts/test-all.js package` as root runs it',
    )
  }
}
// Every benchmark once, smallest sizes, so that they cannot rot (docs/benchmarks.md).
if (part('bench') && built)
  check('bench (smoke)', 'node', ['scripts/bench.js', '--smoke', '--no-build'])

const list = (title, lines) => {
  if (lines.length > 0) console.log(`\n━━ ${title}\n${lines.map((s) => `  ${s}`).join('\n')}`)
}
list('skipped', skips)
list('failed', failures)
list('checks', checks)
list('tests', suites)
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 ? 0 : 1)
