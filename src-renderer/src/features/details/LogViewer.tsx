import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo } from '../../api/types'
import { ErrorNote } from '../../ui/ErrorNote'
import type { VmRef } from '../../api/types'

type Log = 'qemu' | 'serial'

/** Terminal control sequences (colours, cursor queries) a guest writes to its serial port. */
// eslint-disable-next-line no-control-regex
const controlSequences = /\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])|[\x00-\x08\x0b-\x1f\x7f]/g

/** The tail of QEMU's log or the guest's serial console, refreshed while the VM runs. */
export function LogViewer({ vm: { connection, id }, live }: { vm: VmRef; live: boolean }) {
  const { t } = useTranslation()
  const [log, setLog] = useState<Log>('serial')
  const [lines, setLines] = useState<string[] | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [refreshes, setRefreshes] = useState(0)
  const preRef = useRef<HTMLPreElement>(null)

  useEffect(() => {
    let cancelled = false
    const load = () =>
      api.call('logTail', { connection, id, log, lines: 200 }).then(
        (result) => {
          if (cancelled) return
          setLines(result.lines.map((line) => line.replace(controlSequences, '')))
          setError(null)
        },
        (e: unknown) => !cancelled && setError(toErrorInfo(e)),
      )
    void load()
    const timer = live ? setInterval(() => void load(), 3000) : undefined
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [connection, id, log, live, refreshes])

  useEffect(() => {
    const pre = preRef.current
    if (pre !== null) pre.scrollTop = pre.scrollHeight
  }, [lines])

  return (
    <section className="logs" aria-labelledby="logs-title">
      <div className="section-head">
        <h2 id="logs-title" className="section-title">
          {t('details.logs')}
        </h2>
        <div className="segmented" role="group" aria-label={t('details.whichLog')}>
          {(['serial', 'qemu'] as const).map((which) => (
            <button
              key={which}
              type="button"
              className="small"
              aria-pressed={log === which}
              onClick={() => {
                setLog(which)
                if (which !== log) setLines(null)
              }}
            >
              {t(`details.log.${which}`)}
            </button>
          ))}
        </div>
        <button type="button" className="small plain" onClick={() => setRefreshes((n) => n + 1)}>
          {t('details.refresh')}
        </button>
      </div>
      {error !== null && <ErrorNote error={error} />}
      <pre
        ref={preRef}
        role="log"
        className="code log-text"
        tabIndex={0}
        aria-label={t(`details.log.${log}`)}
      >
        {lines === null
          ? t('common.loading')
          : lines.length === 0
            ? t('details.emptyLog')
            : lines.join('\n')}
      </pre>
    </section>
  )
}
