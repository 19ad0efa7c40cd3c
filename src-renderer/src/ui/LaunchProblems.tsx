import type { ErrorInfo } from '../api/types'
import { ErrorNote } from './ErrorNote'

/** What would stop a VM's start (from its launch plan), each with what to do. */
export function LaunchProblems({
  title,
  problems,
}: {
  title: string
  problems: readonly ErrorInfo[]
}) {
  return (
    <section className="launch-problems" aria-label={title}>
      <p className="muted">{title}</p>
      {problems.map((problem) => (
        <ErrorNote key={`${problem.code}:${problem.message}`} error={problem} />
      ))}
    </section>
  )
}
