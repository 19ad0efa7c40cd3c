import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { playwrightOutcome, suiteOutcome, vitestOutcome } from './test-report.js'

// The reports under ./testdata were captured from real runs of scratch test files (a failing
// beforeAll in a describe and in a file, a file that throws on load, a failing test, skips
// with and without a reason, a todo), vitest's through scripts/vitest-json-reporter.js.
const data = (name: string) => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8')
const vitestHooks = JSON.parse(data('vitest-hooks-and-skips.json')) as unknown
const playwrightHooks = JSON.parse(data('playwright-hooks-and-skips.json')) as unknown
const playwrightLoad = JSON.parse(data('playwright-load-error.json')) as unknown

describe('vitest reports', () => {
  const out = vitestOutcome(vitestHooks)

  it('counts tests stopped by a failing beforeAll as failed, with the hook’s error', () => {
    expect(out.failures).toContain(
      'a suite whose beforeAll fails first under the hook: did not run, a hook failed: the hook broke',
    )
    expect(out.failures).toContain(
      'a suite whose beforeAll fails second under the hook: did not run, a hook failed: the hook broke',
    )
    expect(out.failures).toContain(
      'under a file hook: did not run, a hook failed: file-level hook broke',
    )
  })

  it('says why a test failed: the error message kept in meta, else the first line of the stack', () => {
    expect(out.failures).toContain(
      'fine fails: AssertionError: expected 1 to be 2 // Object.is equality',
    )
    const timedOut = structuredClone(vitestHooks) as {
      testResults: {
        assertionResults: { status: string; meta: object; failureMessages: string[] }[]
      }[]
    }
    const failed = timedOut.testResults[1]!.assertionResults.find((a) => a.status === 'failed')!
    failed.failureMessages = ['STACK_TRACE_ERROR']
    failed.meta = { failure: 'Test timed out in 5000ms.' }
    expect(vitestOutcome(timedOut).failures).toContain('fine fails: Test timed out in 5000ms.')
  })

  it('counts a file that fails to load as one failure, with its message', () => {
    expect(out.failures).toContain('/repo/scripts/scratch/loaderror.test.ts: cannot even load')
  })

  it('totals: 1 passed; 1 failed test + 3 stopped by hooks + 1 broken file; 6 skipped', () => {
    expect({ passed: out.passed, failed: out.failed, skipped: out.skipped }).toEqual({
      passed: 1,
      failed: 5,
      skipped: 6,
    })
  })

  it('gives each skip its reason (ctx.skip(reason)), or says there is none', () => {
    expect(out.skips).toEqual([
      'fine static skip (no reason given)',
      'fine runIf false (no reason given)',
      'fine dynamic skip (no reason at all here)',
      'fine dynamic skip with meta (because note)',
      'fine a todo (todo)',
      'skipped suite inside skipped suite (no reason given)',
    ])
  })
})

describe('Playwright reports', () => {
  it('counts the tests a failing beforeAll kept from running as failed', () => {
    const out = playwrightOutcome(playwrightHooks)
    expect({ passed: out.passed, failed: out.failed, skipped: out.skipped }).toEqual({
      passed: 1,
      failed: 2,
      skipped: 2,
    })
    expect(out.failures[0]).toMatch(/first under the hook: Error: pw hook broke$/)
    expect(out.failures[1]).toMatch(/second under the hook: did not run/)
  })

  it('gives each skip its reason', () => {
    expect(playwrightOutcome(playwrightHooks).skips).toEqual([
      'scratch-runner.spec.ts › fine › skipped with reason (a pw reason)',
      'scratch-runner.spec.ts › fine › static skip (no reason given)',
    ])
  })

  it('counts an error outside every test (a spec that fails to load) as a failure', () => {
    const out = playwrightOutcome(playwrightLoad)
    expect(out.failed).toBe(1)
    expect(out.failures).toEqual(['outside the tests: Error: pw spec cannot load'])
  })
})

describe('a runner and its report', () => {
  const read = vitestOutcome

  it('fails when the runner exits 0 without writing its report', () => {
    expect(suiteOutcome({ ok: true, text: null, read })).toMatchObject({
      failed: 1,
      failures: ['the runner wrote no report'],
    })
  })

  it('fails on an empty or unparsable report', () => {
    expect(suiteOutcome({ ok: true, text: '', read }).failed).toBe(1)
    expect(suiteOutcome({ ok: true, text: '{"testResults": [', read }).failures[0]).toMatch(
      /^the report cannot be read: /,
    )
    expect(suiteOutcome({ ok: true, text: '{}', read }).failed).toBe(1)
  })

  it('fails a non-zero exit whose report has no failed test', () => {
    const text = JSON.stringify({ testResults: [] })
    expect(suiteOutcome({ ok: true, text, read }).failed).toBe(0)
    expect(suiteOutcome({ ok: false, text, read }).failed).toBe(1)
  })
})
