import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo, VmSummary } from '../../api/types'
import { navigate } from '../../app/route-store'
import { Dialog } from '../../ui/Dialog'
import { ErrorNote } from '../../ui/ErrorNote'
import { Field } from '../../ui/Field'
import { JobStatus } from '../../ui/JobStatus'
import { useConnections } from '../connections/connections-store'
import { useVms } from '../vm-list/vms-store'
import { refOf } from '../../api/vm-ref'

/**
 * "Migrate…": moves a stopped libvirt VM, with its disks, to another connected libvirt
 * connection, then shows it there. All or nothing: a move that fails leaves it where it was.
 */
export function MigrateDialog({ vm, onClose }: { vm: VmSummary; onClose: () => void }) {
  const { t } = useTranslation()
  const targets = useConnections((s) => s.connections).filter(
    (c) => c.kind === 'libvirt' && c.state === 'connected' && c.id !== vm.connection,
  )
  const [to, setTo] = useState(targets[0]?.id ?? '')
  const [moving, setMoving] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)

  const migrate = async () => {
    setMoving(true)
    setError(null)
    try {
      const moved = await api.call('migrateVm', { ...refOf(vm), toConnection: to })
      useVms.getState().upsert(moved)
      onClose()
      navigate({ name: 'details', ...refOf(moved) })
    } catch (e) {
      setError(toErrorInfo(e))
      setMoving(false)
    }
  }

  return (
    <Dialog
      title={t('migrate.title', { name: vm.name })}
      onClose={() => !moving && onClose()}
      actions={
        <>
          <button type="button" disabled={moving} onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" disabled={moving || to === ''} aria-busy={moving} onClick={() => void migrate()}>
            {t('migrate.migrate')}
          </button>
        </>
      }
    >
      {targets.length === 0 ? (
        <p className="muted">{t('migrate.noTarget')}</p>
      ) : (
        <Field label={t('migrate.to')} help={t('migrate.help')}>
          <select data-autofocus value={to} disabled={moving} onChange={(event) => setTo(event.target.value)}>
            {targets.map((c) => (
              <option key={c.id} value={c.id}>
                {c.uri}
              </option>
            ))}
          </select>
        </Field>
      )}
      {moving && <JobStatus kind="migrate" connection={vm.connection} subject={vm.id} text={t('migrate.moving')} />}
      {error !== null && <ErrorNote error={error} />}
    </Dialog>
  )
}
