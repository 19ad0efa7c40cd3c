import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import type { ErrorInfo, VmStats, VmSummary } from '../../api/types'
import { navigate } from '../../app/route-store'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { ErrorNote } from '../../ui/ErrorNote'
import { formatBytes, formatMiB, formatPercent } from '../../ui/format'
import { Icon, type IconName } from '../../ui/icons'
import { Thumbnail } from './Thumbnail'
import {
  canDelete,
  deleteVm,
  powerActionsFor,
  runPowerAction,
  type PowerAction,
} from './vm-actions'
import { StateBadge, StateNote } from './VmStatus'
import { refOf } from '../../api/vm-ref'

const actionIcon: Record<PowerAction, IconName> = {
  start: 'play',
  shutdown: 'power',
  reboot: 'restart',
  pause: 'pause',
  resume: 'play',
  forceOff: 'stop',
}

type Confirming = null | 'forceOff' | 'delete'

/** One VM in the list: what it is, how it is doing, and what can be done with it. */
export function VmCard({ vm, stats }: { vm: VmSummary; stats: VmStats | undefined }) {
  const { t, i18n } = useTranslation()
  const titleId = useId()
  const [busy, setBusy] = useState<PowerAction | 'delete' | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [confirming, setConfirming] = useState<Confirming>(null)

  const run = async (action: PowerAction | 'delete', work: () => Promise<void>) => {
    setBusy(action)
    setError(null)
    try {
      await work()
    } catch (e) {
      setError(toErrorInfo(e))
    } finally {
      setBusy(null)
    }
  }

  const onPower = (action: PowerAction) => {
    if (action === 'forceOff') setConfirming('forceOff')
    else void run(action, () => runPowerAction(vm, action))
  }

  const broken = vm.broken !== null
  const on = vm.state !== 'stopped' && vm.state !== 'crashed'

  return (
    <article className={broken ? 'vm-card vm-card-broken' : 'vm-card'} aria-labelledby={titleId}>
      <Thumbnail vm={vm} />
      <div className="vm-main">
        <div className="vm-head">
          <h2 id={titleId} className="vm-name">
            {vm.name}
          </h2>
          {broken ? (
            <span role="status" aria-label={t('list.state')} className="state state-broken">
              {t('list.broken')}
            </span>
          ) : (
            <StateBadge vm={vm} />
          )}
        </div>
        {broken ? (
          <p className="vm-note vm-note-error">
            {t('list.brokenReason')} <span className="mono">{vm.broken}</span>
          </p>
        ) : (
          <>
            <p className="vm-facts">
              <span>{vm.os?.name ?? t('list.unknownOs')}</span>
              <span>{formatMiB(vm.memoryMiB, i18n.language)}</span>
              <span>{t('list.cpus', { count: vm.cpus })}</span>
              {vm.accelInUse !== null && on && (
                <span className={vm.accelInUse === 'tcg' ? 'accel accel-tcg' : 'accel'}>
                  {t(`accel.${vm.accelInUse}`)}
                </span>
              )}
            </p>
            {on && stats !== undefined && (
              <div className="vm-stats" role="group" aria-label={t('list.usage')}>
                <span>
                  {t('list.cpuUsage', { value: formatPercent(stats.cpuPercent, i18n.language) })}
                </span>
                <span>
                  {t('list.memoryUsage', { value: formatBytes(stats.memoryBytes, i18n.language) })}
                </span>
              </div>
            )}
            <StateNote vm={vm} />
          </>
        )}
        {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
        <div
          className="vm-actions"
          role="group"
          aria-label={t('list.actionsFor', { name: vm.name })}
        >
          {powerActionsFor(vm).map((action) => (
            <button
              key={action}
              type="button"
              className={action === 'forceOff' ? 'small quiet-danger' : 'small'}
              disabled={busy !== null}
              aria-busy={busy === action}
              onClick={() => onPower(action)}
            >
              <Icon name={actionIcon[action]} />
              {t(`actions.${action}`)}
            </button>
          ))}
          {!broken && (
            <>
              <button
                type="button"
                className="small"
                onClick={() => navigate({ name: 'console', ...refOf(vm) })}
              >
                <Icon name="screen" />
                {t('actions.console')}
              </button>
              <button
                type="button"
                className="small"
                onClick={() => navigate({ name: 'details', ...refOf(vm) })}
              >
                <Icon name="info" />
                {t('actions.details')}
              </button>
            </>
          )}
          {canDelete(vm) && (
            <button
              type="button"
              className="small quiet-danger push-end"
              disabled={busy !== null}
              aria-busy={busy === 'delete'}
              onClick={() => setConfirming('delete')}
            >
              <Icon name="trash" />
              {t('actions.delete')}
            </button>
          )}
        </div>
      </div>
      {confirming === 'forceOff' && (
        <ConfirmDialog
          title={t('confirm.forceOffTitle', { name: vm.name })}
          confirmLabel={t('actions.forceOff')}
          danger
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null)
            void run('forceOff', () => runPowerAction(vm, 'forceOff'))
          }}
        >
          {t('confirm.forceOffText')}
        </ConfirmDialog>
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title={t('confirm.deleteTitle', { name: vm.name })}
          confirmLabel={t('actions.delete')}
          danger
          checkbox={t('confirm.deleteDisks')}
          onCancel={() => setConfirming(null)}
          onConfirm={(deleteDisks) => {
            setConfirming(null)
            void run('delete', () => deleteVm(vm, deleteDisks))
          }}
        >
          {t('confirm.deleteText')}
        </ConfirmDialog>
      )}
    </article>
  )
}
