// `npm test`: every suite in order (typecheck, lint, build, unit, integration, e2e), each one's
// own output as it runs, then one line totalling them all: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

mkdirSync('test-results', { recursive: true })
const totals = { passed: 0, failed: 0, skipped: 0 }
const summary = []
/** Each skipped test, with why where the runner says. */
const skips = []

function run(name, command, args, env = {}) {
  console.log(`\n━━ ${name}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  return { ok: result.status === 0, seconds }
}

/** A check that is one pass or one fail (typecheck, lint, build). */
function check(name, command, args) {
  const { ok, seconds } = run(name, command, args)
  totals[ok ? 'passed' : 'failed'] += 1
  summary.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`)
  return ok
}

/** A test runner whose JSON report gives its counts. */
function suite(name, command, args, report, count, skipped) {
  rmSync(report, { force: true })
  const { ok, seconds } = run(name, command, args)
  let counts = { passed: 0, failed: ok ? 0 : 1, skipped: 0 }
  if (existsSync(report)) {
    const parsed = JSON.parse(readFileSync(report, 'utf8'))
    counts = count(parsed)
    skips.push(...skipped(parsed).map((line) => `${name}: ${line}`))
    // A runner that failed without failing a test (a crash, an error outside tests) still fails.
    if (!ok && counts.failed === 0) counts.failed = 1
  }
  for (const k of Object.keys(totals)) totals[k] += counts[k]
  summary.push(
    `${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds} s)`,
  )
}

// A test file that fails to load has no failed test in it: count it as one failure.
const brokenFiles = (r) =>
  r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length
const vitestCounts = (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests + brokenFiles(r),
  skipped: r.numPendingTests + r.numTodoTests,
})
const vitestSkips = (r) =>
  r.testResults.flatMap((f) =>
    f.assertionResults
      .filter((a) => a.status === 'pending' || a.status === 'skipped')
      .map((a) => a.fullName),
  )
const playwrightSkips = (r) => {
  const walk = (suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((t) => t.status === 'skipped')
        .map((t) => {
          const why = t.annotations.find((a) => a.type === 'skip')?.description
          return why ? `${spec.title} (${why})` : spec.title
        }),
    ),
    ...(suite.suites ?? []).flatMap(walk),
  ]
  return r.suites.flatMap(walk)
}
const playwrightCounts = (r) => ({
  passed: r.stats.expected + r.stats.flaky,
  failed: r.stats.unexpected,
  skipped: r.stats.skipped,
})
const vitest = (project) => [
  'vitest',
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=test-results/${project}.json`,
]

const only = process.argv[2]
if (!only || only === 'static') {
  check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.node.json'])
  check('typecheck (renderer)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.web.json'])
  check('lint', 'npx', ['eslint', '--max-warnings', '0', '.'])
}
const built =
  !only || only === 'e2e' || only === 'integration'
    ? check('build', 'npx', ['electron-vite', 'build'])
    : true
if (!only && built) check('electronegativity', 'node', ['scripts/electronegativity.js'])
if (!only || only === 'unit')
  suite('unit', 'npx', vitest('unit'), 'test-results/unit.json', vitestCounts, vitestSkips)
if (!only || only === 'integration')
  suite(
    'integration',
    'npx',
    vitest('integration'),
    'test-results/integration.json',
    vitestCounts,
    vitestSkips,
  )
// The Electron journey needs a display: without one, give Playwright a virtual one (xvfb).
const xvfb =
  process.env.DISPLAY === undefined &&
  process.env.WAYLAND_DISPLAY === undefined &&
  spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0
if ((!only || only === 'e2e') && built) {
  suite(
    'e2e',
    ...(xvfb ? ['xvfb-run', ['-a', 'npx', 'playwright', 'test']] : ['npx', ['playwright', 'test']]),
    'test-results/e2e.json',
    playwrightCounts,
    playwrightSkips,
  )
}

if (skips.length > 0) console.log(`\n━━ skipped\n${skips.map((s) => `  ${s}`).join('\n')}`)
console.log(`\n━━ summary\n${summary.map((s) => `  ${s}`).join('\n')}`)
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 ? 0 : 1)
