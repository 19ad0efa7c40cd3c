// Types for scripts/test-report.js (plain JS, run by Node), for its tests.
export interface Outcome {
  passed: number
  failed: number
  skipped: number
  failures: string[]
  skips: string[]
}
export function vitestOutcome(report: unknown): Outcome
export function playwrightOutcome(report: unknown): Outcome
export function suiteOutcome(run: {
  ok: boolean
  text: string | null
  read: (report: unknown) => Outcome
}): Outcome
