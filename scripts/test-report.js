// What a test runner's JSON report says, for `npm test` (scripts/test-all.js): counts, why each
// skip was skipped, and the failures that are not a failed test. Pure functions over the
// report's text, so the rules are unit-tested (scripts/test-report.test.ts) on reports
// captured from real runs.
//
// The rules: a test that never ran because a hook failed (vitest: `beforeAll` of its suite or
// file; Playwright: `beforeAll`, or anything else that stopped the tests after it) is a failed
// test, not a skip; a file that fails to load, an error outside every test, or a run that
// exits non-zero with no failed test counts as one failure; a runner that exits 0 without
// writing its report, or with an empty or unparsable one, has failed.

/**
 * @typedef {{ passed: number, failed: number, skipped: number,
 *   failures: string[], skips: string[] }} Outcome
 */

/** @returns {Outcome} */
const empty = () => ({ passed: 0, failed: 0, skipped: 0, failures: [], skips: [] })

const firstLine = (text) => String(text ?? '').split('\n')[0] ?? ''

/**
 * Vitest's report, as written by scripts/vitest-json-reporter.js (vitest's JSON reporter with
 * `meta.skipReason` and `meta.hookError` added).
 * @returns {Outcome}
 */
export function vitestOutcome(report) {
  const out = empty()
  for (const file of report.testResults) {
    const before = out.failed
    for (const test of file.assertionResults) {
      const hookError = test.meta?.hookError
      if (test.status === 'passed') out.passed++
      else if (test.status === 'failed') {
        out.failed++
        const why = test.meta?.failure ?? test.failureMessages[0]
        out.failures.push(`${test.fullName}: ${firstLine(why)}`)
      } else if (hookError !== undefined) {
        out.failed++
        out.failures.push(`${test.fullName}: did not run, a hook failed: ${firstLine(hookError)}`)
      } else {
        out.skipped++
        const why = test.status === 'todo' ? 'todo' : (test.meta?.skipReason ?? 'no reason given')
        out.skips.push(`${test.fullName} (${why})`)
      }
    }
    // A file that failed to load, or whose afterAll failed: no test says so, the file does.
    if (file.status === 'failed' && out.failed === before) {
      out.failed++
      out.failures.push(
        `${file.name}: ${firstLine(file.message) || 'the file failed outside its tests'}`,
      )
    }
  }
  return out
}

/** Playwright's JSON report. @returns {Outcome} */
export function playwrightOutcome(report) {
  const out = empty()
  const walk = (suite, titles) => {
    const path = suite.title ? [...titles, suite.title] : titles
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        const name = [...path, spec.title].join(' › ')
        const errors = test.results.flatMap((r) => r.errors ?? (r.error ? [r.error] : []))
        const skip = test.annotations.find((a) => a.type === 'skip' || a.type === 'fixme')
        if (test.status === 'expected' || test.status === 'flaky') out.passed++
        else if (test.status === 'unexpected' || errors.length > 0) {
          out.failed++
          out.failures.push(`${name}: ${firstLine(errors[0]?.message) || 'failed'}`)
        } else if (skip === undefined) {
          // Skipped by nobody: it did not run because something before it failed.
          out.failed++
          out.failures.push(`${name}: did not run (a hook or an earlier test failed)`)
        } else {
          out.skipped++
          out.skips.push(`${name} (${skip.description || 'no reason given'})`)
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, path)
  }
  for (const suite of report.suites) walk(suite, [])
  // Errors outside every test: a spec that fails to load, a global setup that throws.
  for (const error of report.errors ?? []) {
    out.failed++
    out.failures.push(`outside the tests: ${firstLine(error.message)}`)
  }
  return out
}

/**
 * One runner's result from its exit status and its report's text (null: no report written).
 * @param {{ ok: boolean, text: string | null, read: (report: unknown) => Outcome }} run
 * @returns {Outcome}
 */
export function suiteOutcome({ ok, text, read }) {
  const broken = (why) => ({ ...empty(), failed: 1, failures: [why] })
  if (text === null) return broken('the runner wrote no report')
  if (text.trim() === '') return broken('the runner wrote an empty report')
  let out
  try {
    out = read(JSON.parse(text))
  } catch (error) {
    return broken(`the report cannot be read: ${error instanceof Error ? error.message : error}`)
  }
  // A runner that failed without failing a test (a crash, an error outside tests) still fails.
  if (!ok && out.failed === 0) {
    out.failed = 1
    out.failures.push('the runner failed (non-zero exit) with no failed test in its report')
  }
  return out
}
