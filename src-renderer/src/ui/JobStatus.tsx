import { useEffect, useState } from 'react'
import { api } from '../api/client'
import type { JobProgress } from '../api/types'
import './job-status.css'

/**
 * A busy line with a progress bar for a long copy (an import, a clone): it follows the
 * server's jobProgress events for this connection, kind and subject while it is shown. Until the first
 * one arrives, and for copies too quick to report, the bar is indeterminate.
 */
export function JobStatus({
  connection,
  kind,
  subject,
  text,
}: {
  connection: string
  kind: JobProgress['kind']
  subject: string
  text: string
}) {
  const [percent, setPercent] = useState<number | null>(null)
  useEffect(
    () =>
      api.subscribe('jobProgress', (job) => {
        if (job.connection === connection && job.kind === kind && job.subject === subject) {
          setPercent(job.done ? null : job.percent)
        }
      }),
    [connection, kind, subject],
  )
  const whole = percent === null ? null : Math.floor(percent)
  return (
    <div className="job-status" role="status">
      <span>
        {text}
        {whole !== null && ` ${whole} %`}
      </span>
      <progress max={100} {...(percent === null ? {} : { value: percent })} aria-label={text} />
    </div>
  )
}
