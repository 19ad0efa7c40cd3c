import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { DiskBus, ErrorInfo, VmDetails } from '../../api/types'
import { refOf } from '../../api/vm-ref'
import { useCoreText } from '../../i18n/core-text'
import { ErrorNote } from '../../ui/ErrorNote'
import { Field } from '../../ui/Field'
import { gibToSize } from '../../ui/format'
import { useFileChooser } from '../file-browser/use-file-chooser'
import { useVms } from '../vm-list/vms-store'
import { diskBuses } from './hardware-form'

/**
 * A stopped VM's disks: add a new image of a size or an existing image file, on the bus
 * chosen; remove one (its file is kept: deleting it is for `vireo disk remove --delete-file`).
 */
export function DisksEditor({ vm, onSaved }: { vm: VmDetails; onSaved: (vm: VmDetails) => void }) {
  const { t } = useTranslation()
  const core = useCoreText()
  const [sizeGiB, setSizeGiB] = useState(20)
  const [bus, setBus] = useState<DiskBus>('virtio')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const editable = vm.state === 'stopped' || vm.state === 'crashed'

  const run = async (call: () => Promise<VmDetails>) => {
    setBusy(true)
    setError(null)
    try {
      const updated = await call()
      useVms.getState().upsert(updated)
      onSaved(updated)
    } catch (e) {
      setError(core.error(toErrorInfo(e)))
    } finally {
      setBusy(false)
    }
  }
  const existing = useFileChooser('disk', t('details.addExistingDisk'), (path) =>
    void run(() => api.call('addDisk', { ...refOf(vm), existing: path, bus })),
  )

  return (
    <section className="disks" aria-labelledby="disks-title">
      <h2 id="disks-title" className="section-title">
        {t('details.disks')}
      </h2>
      <ul aria-label={t('details.disks')}>
        {vm.disks.map((disk, index) => (
          <li key={disk.path}>
            <code>{disk.path}</code> <span className="muted">{disk.bus}</span>{' '}
            <button
              type="button"
              disabled={!editable || busy}
              onClick={() => void run(() => api.call('removeDisk', { ...refOf(vm), index }))}
            >
              {t('details.removeDisk', { index })}
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">{t('details.removeKeepsFile')}</p>
      <fieldset disabled={!editable || busy} className="form-grid">
        <Field label={t('details.newDiskGiB')}>
          <input type="number" min={0.01} step="any" value={Number.isNaN(sizeGiB) ? '' : sizeGiB} onChange={(e) => setSizeGiB(e.target.valueAsNumber)} />
        </Field>
        <Field label={t('details.newDiskBus')}>
          <select value={bus} onChange={(e) => setBus(e.target.value as DiskBus)}>
            {diskBuses.map((choice) => (
              <option key={choice} value={choice}>
                {t(`details.bus.${choice}`)}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-actions">
          <button
            type="button"
            onClick={() => void run(() => api.call('addDisk', { ...refOf(vm), size: gibToSize(sizeGiB), bus }))}
          >
            {t('details.addDisk')}
          </button>
          <button type="button" onClick={existing.open}>
            {t('details.addExistingDisk')}
          </button>
        </div>
      </fieldset>
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
      {existing.dialog}
    </section>
  )
}
