// Vitest's JSON reporter, plus facts its report leaves out, put in each test's `meta` (which
// the report keeps): why a test was skipped (`ctx.skip(reason)` keeps the reason as the
// result's note), a failed test's error message, and, for a test that never ran because a
// `beforeAll` (or a file's own code) failed, that failure. scripts/test-report.js reads them; `npm test` uses this
// reporter as `--reporter=./scripts/vitest-json-reporter.js`.
import { JsonReporter } from 'vitest/reporters'

/** Marks the tests under `task` that did not pass or fail with the failure that stopped them. */
function markStopped(task, message) {
  for (const child of task.tasks ?? []) {
    if (child.type === 'suite') markStopped(child, message)
    else if (child.result?.state !== 'pass' && child.result?.state !== 'fail')
      child.meta.hookError ??= message
  }
}

function annotate(task) {
  if (task.type !== 'suite') {
    if (typeof task.result?.note === 'string') task.meta.skipReason = task.result.note
    // The report keeps a failure's stack, which for a timeout is a placeholder: keep its message.
    const failure = task.result?.state === 'fail' ? task.result.errors?.[0]?.message : undefined
    if (typeof failure === 'string') task.meta.failure = failure
    return
  }
  const error = task.result?.errors?.[0]
  if (error !== undefined) markStopped(task, error.message ?? String(error))
  for (const child of task.tasks ?? []) annotate(child)
}

export default class VireoJsonReporter extends JsonReporter {
  async onTestRunEnd(testModules, ...rest) {
    for (const module of testModules) annotate(module.task)
    return super.onTestRunEnd(testModules, ...rest)
  }
}
