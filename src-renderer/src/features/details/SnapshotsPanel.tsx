import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo, VmSnapshot, VmSummary } from '../../api/types'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { ErrorNote } from '../../ui/ErrorNote'
import { Field } from '../../ui/Field'
import { refOf } from '../../api/vm-ref'
import { useCoreText } from '../../i18n/core-text'

type Asking = { action: 'revert' | 'delete'; snapshot: VmSnapshot }

/**
 * A VM's snapshots: the VM as it was at a moment, to come back to. Of a stopped VM, its
 * disks; of a running one, its memory too, so that going back resumes the guest where it
 * was (and starts a VM that is shut down). A disk-only snapshot can be gone back to only
 * while the VM is shut down. Each call answers with the list as it now is.
 */
export function SnapshotsPanel({ vm }: { vm: VmSummary }) {
  const { t, i18n } = useTranslation()
  const core = useCoreText()
  const [snapshots, setSnapshots] = useState<VmSnapshot[] | null>(null)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [asking, setAsking] = useState<Asking | null>(null)
  const running = vm.state === 'running' || vm.state === 'paused'
  // Starting or shutting down: wait until it has settled.
  const settled = running || vm.state === 'stopped' || vm.state === 'crashed'

  const { connection, id } = vm
  useEffect(() => {
    let cancelled = false
    api.call('listSnapshots', { connection, id }).then(
      (list) => !cancelled && setSnapshots(list),
      (e: unknown) => !cancelled && setError(toErrorInfo(e)),
    )
    return () => {
      cancelled = true
    }
  }, [connection, id, vm.state])

  const run = async (work: () => Promise<VmSnapshot[]>): Promise<boolean> => {
    setBusy(true)
    setError(null)
    try {
      setSnapshots(await work())
      return true
    } catch (e) {
      setError(toErrorInfo(e))
      return false
    } finally {
      setBusy(false)
    }
  }

  const take = async () => {
    if (await run(() => api.call('takeSnapshot', { ...refOf(vm), name }))) setName('')
  }

  const nameError = error?.details?.['field'] === 'name' ? core.error(error).message : undefined
  return (
    <section className="snapshots" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title" className="section-title">
        {t('snapshots.title')}
      </h2>
      {!settled && <p className="note">{t('snapshots.wait')}</p>}
      {running && snapshots?.some((s) => s.vmStateBytes === 0) === true && (
        <p className="note">{t('snapshots.diskOnlyWhileRunning')}</p>
      )}
      {snapshots !== null && snapshots.length === 0 && (
        <p className="muted">{t('snapshots.none')}</p>
      )}
      {snapshots !== null && snapshots.length > 0 && (
        <table className="snapshots-table">
          <thead>
            <tr>
              <th scope="col">{t('snapshots.name')}</th>
              <th scope="col">{t('snapshots.taken')}</th>
              <th scope="col">{t('snapshots.holds')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('snapshots.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {snapshots.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                <td>
                  {new Date(s.createdAt).toLocaleString(i18n.language, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  })}
                </td>
                <td>{t(s.tpmState ? 'snapshots.withMemoryAndTpm' : s.vmStateBytes > 0 ? 'snapshots.withMemory' : 'snapshots.diskOnly')}</td>
                <td className="snapshot-actions">
                  <button
                    type="button"
                    className="small"
                    disabled={!settled || busy || (running && s.vmStateBytes === 0)}
                    aria-label={t('snapshots.revertTo', { name: s.name })}
                    onClick={() => setAsking({ action: 'revert', snapshot: s })}
                  >
                    {t('snapshots.revert')}
                  </button>
                  <button
                    type="button"
                    className="small quiet-danger"
                    disabled={!settled || busy}
                    aria-label={t('snapshots.deleteNamed', { name: s.name })}
                    onClick={() => setAsking({ action: 'delete', snapshot: s })}
                  >
                    {t('actions.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="snapshot-take"
        onSubmit={(event) => {
          event.preventDefault()
          void take()
        }}
      >
        <Field label={t('snapshots.newName')} error={nameError}>
          <input
            type="text"
            value={name}
            maxLength={64}
            disabled={!settled || busy}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <button type="submit" disabled={!settled || busy || name.trim() === ''} aria-busy={busy}>
          {t('snapshots.take')}
        </button>
      </form>
      {error !== null && nameError === undefined && (
        <ErrorNote error={error} onDismiss={() => setError(null)} />
      )}
      {asking !== null && (
        <ConfirmDialog
          title={t(`snapshots.${asking.action}Title`, { name: asking.snapshot.name, vm: vm.name })}
          confirmLabel={t(asking.action === 'revert' ? 'snapshots.revert' : 'actions.delete')}
          danger
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const { action, snapshot } = asking
            setAsking(null)
            const method = action === 'revert' ? 'revertSnapshot' : 'deleteSnapshot'
            void run(() => api.call(method, { ...refOf(vm), name: snapshot.name }))
          }}
        >
          {t(confirmText(asking, running))}
        </ConfirmDialog>
      )}
    </section>
  )
}

/** What going back to (or deleting) a snapshot does, in words, for the confirmation. */
function confirmText({ action, snapshot }: Asking, running: boolean) {
  if (action === 'delete') return 'snapshots.deleteText'
  if (snapshot.vmStateBytes === 0) return 'snapshots.revertText'
  return running ? 'snapshots.revertLiveText' : 'snapshots.revertStartsText'
}
