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
import { useVms } from '../vm-list/vms-store'
import { refOf } from '../../api/vm-ref'
import { useCoreText } from '../../i18n/core-text'

/**
 * "Clone…": a name for a full copy of a stopped VM (its own disks), then its details. The
 * copy can take a while for a large disk; the dialog stays until it is made or refused.
 */
export function CloneDialog({ vm, onClose }: { vm: VmSummary; onClose: () => void }) {
  const { t } = useTranslation()
  const core = useCoreText()
  const [name, setName] = useState(t('clone.defaultName', { name: vm.name }))
  const [cloning, setCloning] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)

  const clone = async () => {
    setCloning(true)
    setError(null)
    try {
      const copy = await api.call('cloneVm', { ...refOf(vm), name })
      useVms.getState().upsert(copy)
      onClose()
      navigate({ name: 'details', ...refOf(copy) })
    } catch (e) {
      setError(toErrorInfo(e))
      setCloning(false)
    }
  }

  const nameError = error?.details?.['field'] === 'name' ? core.error(error).message : undefined
  return (
    <Dialog
      title={t('clone.title', { name: vm.name })}
      onClose={() => !cloning && onClose()}
      actions={
        <>
          <button type="button" disabled={cloning} onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={cloning || name.trim() === ''}
            aria-busy={cloning}
            onClick={() => void clone()}
          >
            {t('clone.clone')}
          </button>
        </>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (!cloning && name.trim() !== '') void clone()
        }}
      >
        <Field label={t('clone.name')} help={t('clone.help')} error={nameError}>
          <input
            data-autofocus
            type="text"
            value={name}
            maxLength={120}
            disabled={cloning}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
      </form>
      {cloning && <JobStatus kind="clone" connection={vm.connection} subject={vm.id} text={t('clone.cloning')} />}
      {error !== null && nameError === undefined && <ErrorNote error={error} />}
    </Dialog>
  )
}
