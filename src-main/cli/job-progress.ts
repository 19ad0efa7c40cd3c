import type { EventSource } from '../api/wire'

/**
 * Shows long copies (an import, a clone) on a terminal as one line that updates in place,
 * `Copying the disks of “web”: 42 %`, ended by a newline when the job is done or failed.
 * Nothing is written where the stream is not a terminal (scripts, --json, logs).
 */
export function showJobProgress(events: EventSource, stream: NodeJS.WriteStream): () => void {
  if (!stream.isTTY) return () => undefined
  let shown = ''
  return events.subscribe('jobProgress', (job) => {
    const line = `${job.label}: ${Math.floor(job.percent)} %`
    if (line !== shown || job.done) stream.write(`\r${line}${job.done ? '\n' : ''}`)
    shown = line
  })
}
