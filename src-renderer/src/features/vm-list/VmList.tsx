import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { navigate } from '../../app/route-store'
import { ErrorNote } from '../../ui/ErrorNote'
import { Icon } from '../../ui/icons'
import { sortByName, useVms } from './vms-store'
import { VmCard } from './VmCard'
import './vm-list.css'
import { vmKey } from '../../api/vm-ref'
import type { VmSummary } from '../../api/types'
import { AddConnection, ConnectionGroups } from '../connections/ConnectionGroups'
import { followConnectionEvents, useConnections } from '../connections/connections-store'

/** The home screen: every VM, or an invitation to make the first one. */
export function VmList() {
  const { t, i18n } = useTranslation()
  const vms = useVms((s) => s.vms)
  const stats = useVms((s) => s.stats)
  const loaded = useVms((s) => s.loaded)
  const error = useVms((s) => s.error)
  const load = useVms((s) => s.load)
  const notice = useVms((s) => s.notice)
  const dismiss = () => useVms.setState({ notice: null })
  const sorted = useMemo(() => sortByName(vms, i18n.language), [vms, i18n.language])
  const connections = useConnections((s) => s.connections)
  useEffect(() => {
    void useConnections.getState().load()
    return followConnectionEvents()
  }, [])
  const cards = (list: VmSummary[], labelledBy: string) => (
    <ul className="vm-cards" aria-labelledby={labelledBy}>
      {list.map((vm) => (
        <li key={vmKey(vm)}>
          <VmCard vm={vm} stats={stats[vmKey(vm)]} />
        </li>
      ))}
    </ul>
  )
  // Grouped by connection once there is more than Vireo's own.
  const grouped = connections.length > 1

  return (
    <section className="vm-list" aria-labelledby="vm-list-title">
      <h1 id="vm-list-title" className="screen-title" tabIndex={-1}>
        {t('list.title')}
      </h1>
      {error !== null && (
        <div className="list-error">
          <ErrorNote error={error} />
          <button type="button" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {notice?.kind === 'keptDisks' && (
        <div className="list-notice" role="status">
          <p>
            {t('list.keptDisks', { name: notice.name, count: notice.paths.length })}
            {notice.paths.map((path) => (
              <span key={path} className="mono-soft list-notice-path">
                {path}
              </span>
            ))}
          </p>
          <button type="button" className="small plain" onClick={dismiss}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
      {notice?.kind === 'notStarted' && <ErrorNote error={notice.error} onDismiss={dismiss} />}
      {!loaded && <p className="muted">{t('common.loading')}</p>}
      {loaded && sorted.length === 0 && error === null && !grouped && (
        <div className="empty">
          <Icon name="screen" className="empty-icon" />
          <h2>{t('list.emptyTitle')}</h2>
          <p>{t('list.emptyText')}</p>
          <button type="button" className="primary" onClick={() => navigate({ name: 'new' })}>
            <Icon name="plus" />
            {t('list.emptyAction')}
          </button>
        </div>
      )}
      {grouped && <ConnectionGroups vms={sorted} renderVms={cards} />}
      {!grouped && sorted.length > 0 && cards(sorted, 'vm-list-title')}
      {loaded && <AddConnection />}
    </section>
  )
}
