import { useTranslation } from 'react-i18next'
import type { HostCheckItem } from '../../api/types'
import { ErrorNote } from '../../ui/ErrorNote'
import { formatBytes, formatMiB } from '../../ui/format'
import { Icon } from '../../ui/icons'
import { useHost } from './host-store'
import './host-panel.css'
import { useCoreText } from '../../i18n/core-text'

/**
 * What the host offers (accelerator, QEMU, memory, CPUs, disk) and what to fix. Informs,
 * never blocks: without KVM, VMs still run under TCG, only slower.
 */
export function HostPanel() {
  const { t, i18n } = useTranslation()
  const { say } = useCoreText()
  const report = useHost((s) => s.report)
  const error = useHost((s) => s.error)
  const loading = useHost((s) => s.loading)
  const load = useHost((s) => s.load)
  const issues = report?.items.filter((item) => item.status !== 'ok') ?? []
  const fine = report?.items.filter((item) => item.status === 'ok') ?? []

  return (
    <section className="host-panel" aria-labelledby="host-title">
      <div className="host-summary">
        <h2 id="host-title" className="host-title">
          {t('host.title')}
        </h2>
        {report !== null && (
          <ul className="host-facts" aria-label={t('host.facts')}>
            <li className={report.accel === 'kvm' ? 'fact fact-ok' : 'fact fact-warning'}>
              <Icon name={report.accel === 'kvm' ? 'ok' : 'warning'} />
              {t('host.accel', { accel: t(`accel.${report.accel}`) })}
            </li>
            <li className={report.qemu !== null ? 'fact' : 'fact fact-error'}>
              {report.qemu !== null
                ? t('host.qemu', { version: report.qemu.version })
                : t('host.qemuMissing')}
            </li>
            <li className="fact">
              {t('host.memory', {
                available: formatMiB(report.memory.availableMiB, i18n.language),
                total: formatMiB(report.memory.totalMiB, i18n.language),
              })}
            </li>
            <li className="fact">{t('host.cpus', { count: report.cpus })}</li>
            <li className="fact">
              {t('host.disk', { free: formatBytes(report.disk.freeBytes, i18n.language) })}
            </li>
          </ul>
        )}
        {report === null && loading && <span className="muted">{t('host.checking')}</span>}
        <button
          type="button"
          className="small plain"
          disabled={loading}
          aria-busy={loading}
          onClick={() => void load(true)}
        >
          {t('host.recheck')}
        </button>
      </div>
      {error !== null && <ErrorNote error={error} />}
      {/* Why this accelerator, unless the KVM check below already says it. */}
      {report !== null && !issues.some((item) => item.id === 'kvm') && (
        <p className={report.accel === 'kvm' ? 'host-accel-note host-accel-ok' : 'host-accel-note'}>
          {report.accel === 'kvm'
            ? say(report.accelReasonText, report.accelReason)
            : t('host.tcgNote', { reason: say(report.accelReasonText, report.accelReason) })}
        </p>
      )}
      {issues.length > 0 && (
        <ul className="host-issues" aria-label={t('host.issues')}>
          {issues.map((item) => (
            <CheckItem key={item.id} item={item} />
          ))}
        </ul>
      )}
      {fine.length > 0 && (
        <details className="host-all">
          <summary>{t('host.allChecks', { count: fine.length })}</summary>
          <ul className="host-issues">
            {fine.map((item) => (
              <CheckItem key={item.id} item={item} />
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

function CheckItem({ item }: { item: HostCheckItem }) {
  const { t } = useTranslation()
  const { say } = useCoreText()
  return (
    <li className={`check-item check-${item.status}`}>
      <Icon name={item.status === 'ok' ? 'ok' : item.status} />
      <div>
        <p className="check-title">
          <span className="visually-hidden">{t(`host.status.${item.status}`)}: </span>
          {say(item.titleText, item.title)}
          {item.detail !== '' && <span className="check-detail"> — {say(item.detailText, item.detail)}</span>}
        </p>
        {item.fix !== undefined && item.fix !== '' && (
          <p className="check-fix">
            <strong>{t('host.fix')}</strong> {say(item.fixText, item.fix)}
          </p>
        )}
      </div>
    </li>
  )
}
