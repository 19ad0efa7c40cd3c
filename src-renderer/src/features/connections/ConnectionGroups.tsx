import { useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { VmSummary } from '../../api/types'
import { ErrorNote } from '../../ui/ErrorNote'
import { groupByConnection } from './connection-groups'
import { useConnections } from './connections-store'
import './connections.css'

/**
 * The VM list by connection (Vireo's own first, then each libvirt URI), each under a heading
 * with its state and, when it failed, why; a libvirt one can be removed.
 */
export function ConnectionGroups({ vms, renderVms }: { vms: VmSummary[]; renderVms: (vms: VmSummary[], labelledBy: string) => ReactNode }) {
  const { t } = useTranslation()
  const connections = useConnections((s) => s.connections)
  const remove = useConnections((s) => s.remove)
  const busy = useConnections((s) => s.busy)
  return (
    <>
      {groupByConnection(vms, connections).map(({ connection, vms: inGroup }, index) => {
        const headingId = `connection-${index}`
        return (
          <section key={connection.id} className="connection-group" aria-labelledby={headingId}>
            <div className="connection-head">
              <h3 id={headingId}>{connection.kind === 'local' ? t('connections.local') : connection.uri}</h3>
              <span className={`connection-state state-${connection.state}`}>{t(`connections.state.${connection.state}`)}</span>
              {connection.kind === 'libvirt' && (
                <button
                  type="button"
                  className="small plain"
                  disabled={busy}
                  aria-label={t('connections.removeNamed', { uri: connection.uri })}
                  onClick={() => {
                    if (window.confirm(t('connections.removeConfirm', { uri: connection.uri }))) void remove(connection.uri)
                  }}
                >
                  {t('connections.remove')}
                </button>
              )}
            </div>
            {connection.error !== null && <ErrorNote error={connection.error} />}
            {inGroup.length === 0 && connection.error === null && <p className="muted">{t('connections.noVms')}</p>}
            {inGroup.length > 0 && renderVms(inGroup, headingId)}
          </section>
        )
      })}
    </>
  )
}

/** Adding a libvirt connection by its URI (qemu:///system, qemu+ssh://user@host/system). */
export function AddConnection() {
  const { t } = useTranslation()
  const [uri, setUri] = useState('')
  const add = useConnections((s) => s.add)
  const busy = useConnections((s) => s.busy)
  const error = useConnections((s) => s.error)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    void add(uri.trim()).then((ok) => ok && setUri(''))
  }
  return (
    <form className="add-connection" onSubmit={submit}>
      <label htmlFor="add-connection-uri">{t('connections.addLabel')}</label>
      <div className="add-connection-row">
        <input
          id="add-connection-uri"
          className="mono"
          value={uri}
          placeholder="qemu+ssh://user@host/system"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setUri(e.target.value)}
        />
        <button type="submit" disabled={busy || uri.trim() === ''}>
          {busy ? t('connections.connecting') : t('connections.add')}
        </button>
      </div>
      <p className="muted small-print">{t('connections.addHelp')}</p>
      {error !== null && <ErrorNote error={error} onDismiss={() => useConnections.setState({ error: null })} />}
    </form>
  )
}
