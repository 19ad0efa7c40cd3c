import { useTranslation } from 'react-i18next'
import type { VmSummary } from '../../api/types'
import { useCoreText } from '../../i18n/core-text'

/** The state badge: a live region, so a screen reader hears "Running" when the VM starts. */
export function StateBadge({ vm }: { vm: VmSummary }) {
  const { t } = useTranslation()
  return (
    <span role="status" aria-label={t('list.state')} className={`state state-${vm.state}`}>
      {t(`state.${vm.state}`)}
    </span>
  )
}

/** Why the VM stopped or paused, and QEMU's last words after a crash. */
export function StateNote({ vm }: { vm: VmSummary }) {
  const { t, i18n } = useTranslation()
  const { say } = useCoreText()
  if (vm.state === 'paused' && vm.pause !== null && vm.pause.reason !== 'user') {
    return (
      <p className="vm-note vm-note-warning">
        {t(`pauseReason.${vm.pause.reason}`)}
        {vm.pause.detail !== undefined && ` — ${say(vm.pause.detailText, vm.pause.detail)}`}
      </p>
    )
  }
  const stop = vm.lastStop
  if (stop === null || (vm.state !== 'stopped' && vm.state !== 'crashed')) return null
  const when = new Date(stop.at)
  const at = Number.isNaN(when.getTime())
    ? stop.at
    : when.toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const tail = stop.stderrTail ?? []
  return (
    <div className={stop.reason === 'crashed' ? 'vm-note vm-note-error' : 'vm-note'}>
      <p>
        {t('list.lastStop', { reason: t(`stopReason.${stop.reason}`), at })}
        {stop.detail !== undefined && stop.detail !== '' && ` — ${say(stop.detailText, stop.detail)}`}
      </p>
      {tail.length > 0 && (
        <details className="stderr">
          <summary>{t('list.showStderr')}</summary>
          <pre className="code">{tail.join('\n')}</pre>
        </details>
      )}
    </div>
  )
}
