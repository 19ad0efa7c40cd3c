import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo, VmDetails } from '../../api/types'
import { ErrorNote } from '../../ui/ErrorNote'
import { Field } from '../../ui/Field'
import { formatMiB } from '../../ui/format'
import { useFileChooser } from '../file-browser/use-file-chooser'
import { useHost } from '../host/host-store'
import { useVms } from '../vm-list/vms-store'
import {
  bootPresets,
  changesOf,
  diskBuses,
  nicModels,
  checkForm,
  currentDiskGib,
  fieldOfUpdateError,
  formFromVm,
  type FormProblem,
  type HardwareField,
  type HardwareForm,
} from './hardware-form'
import { PortForwardsEditor } from './PortForwardsEditor'
import { refOf } from '../../api/vm-ref'
import { useCoreText } from '../../i18n/core-text'

/** Memory, vCPUs, boot order, firmware, ISO, disk size, port forwards: changed while stopped. */
export function HardwareEditor({
  vm,
  onSaved,
}: {
  vm: VmDetails
  onSaved: (vm: VmDetails) => void
}) {
  const { t, i18n } = useTranslation()
  const core = useCoreText()
  const host = useHost((s) => s.report)
  const [form, setForm] = useState<HardwareForm>(() => formFromVm(vm))
  // When the definition changes under the form (saved here or elsewhere), start from it again.
  const definition = JSON.stringify(vm.config)
  const [formFor, setFormFor] = useState(definition)
  if (formFor !== definition) {
    setFormFor(definition)
    setForm(formFromVm(vm))
  }
  const [problems, setProblems] = useState<Partial<Record<HardwareField, string>>>({})
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  const editable = vm.state === 'stopped' || vm.state === 'crashed'
  const changes = changesOf(vm, form)
  const dirty = Object.keys(changes).length > 0
  const uefi = host?.firmware.uefi != null

  const edit = (patch: Partial<HardwareForm>) => {
    setForm((f) => ({ ...f, ...patch }))
    setSaved(false)
    setProblems((p) => {
      const next = { ...p }
      for (const key of Object.keys(patch) as HardwareField[]) delete next[key]
      return next
    })
  }

  const chooser = useFileChooser('iso', t('wizard.source.browseIso'), (path) =>
    edit({ cdrom: path }),
  )
  const secondChooser = useFileChooser('iso', t('wizard.source.browseIso'), (path) =>
    edit({ secondCdrom: path }),
  )

  const save = async () => {
    const found = checkForm(vm, form)
    if (Object.keys(found).length > 0) {
      const current = currentDiskGib(vm)
      const text: Partial<Record<HardwareField, string>> = {}
      for (const [field, code] of Object.entries(found) as [HardwareField, FormProblem][]) {
        text[field] = t(`details.problem.${code}`, {
          size: current === null ? '' : `${current} GiB`,
        })
      }
      setProblems(text)
      return
    }
    setSaving(true)
    setError(null)
    try {
      const updated = await api.call('updateVm', { ...refOf(vm), changes })
      useVms.getState().upsert(updated)
      onSaved(updated)
      setForm(formFromVm(updated))
      setSaved(true)
    } catch (e) {
      const info = core.error(toErrorInfo(e))
      const field = e instanceof ApiError ? fieldOfUpdateError(info.details?.['field']) : null
      if (field !== null) {
        const message = info.message.replace(/^[\w.]+: /, '')
        setProblems((p) => ({ ...p, [field]: info.hint ? `${message} ${info.hint}` : message }))
      } else setError(info)
    } finally {
      setSaving(false)
    }
  }

  return (
    <form
      noValidate
      className="hardware"
      aria-labelledby="hardware-title"
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <h2 id="hardware-title" className="section-title">
        {t('details.hardware')}
      </h2>
      {!editable && <p className="note">{t('details.stopToEdit')}</p>}
      <fieldset disabled={!editable || saving} className="form-grid">
        <Field label={t('wizard.fields.name')} error={problems.name}>
          <input type="text" value={form.name} onChange={(e) => edit({ name: e.target.value })} />
        </Field>
        <Field
          label={t('wizard.fields.memoryMiB')}
          error={problems.memoryMiB}
          help={
            host !== null
              ? t('details.hostMemory', { total: formatMiB(host.memory.totalMiB, i18n.language) })
              : undefined
          }
        >
          <input
            type="number"
            min={32}
            step={32}
            value={Number.isNaN(form.memoryMiB) ? '' : form.memoryMiB}
            onChange={(e) => edit({ memoryMiB: e.target.valueAsNumber })}
          />
        </Field>
        <Field
          label={t('wizard.fields.cpus')}
          error={problems.cpus}
          help={host !== null ? t('wizard.resources.cpusHelp', { count: host.cpus }) : undefined}
        >
          <input
            type="number"
            min={1}
            max={288}
            value={Number.isNaN(form.cpus) ? '' : form.cpus}
            onChange={(e) => edit({ cpus: e.target.valueAsNumber })}
          />
        </Field>
        <Field label={t('details.bootOrder')} error={problems.boot}>
          <select
            value={form.boot}
            onChange={(e) => edit({ boot: e.target.value as HardwareForm['boot'] })}
          >
            {bootPresets.map((preset) => (
              <option key={preset} value={preset}>
                {t(`details.boot.${preset}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('wizard.fields.firmware')} error={problems.firmware}>
          <select
            value={form.firmware}
            onChange={(e) => edit({ firmware: e.target.value as HardwareForm['firmware'] })}
          >
            <option value="bios">{t('firmware.bios')}</option>
            <option value="uefi" disabled={!uefi && form.firmware !== 'uefi'}>
              {t('firmware.uefi')}
            </option>
          </select>
        </Field>
        <label className="check" title={t('details.tpmHelp')}>
          <input type="checkbox" checked={form.tpm} onChange={(e) => edit({ tpm: e.target.checked })} />
          {t('details.tpm')}
        </label>
        <label className="check" title={t('details.secureBootHelp')}>
          <input
            type="checkbox"
            checked={form.secureBoot}
            disabled={form.firmware !== 'uefi' && !form.secureBoot}
            onChange={(e) => edit({ secureBoot: e.target.checked })}
          />
          {t('details.secureBoot')}
        </label>
        <div className="path-row">
          <Field label={t('details.iso')} error={problems.cdrom} help={t('details.isoHelp')}>
            <input
              type="text"
              spellCheck={false}
              value={form.cdrom}
              onChange={(e) => edit({ cdrom: e.target.value })}
            />
          </Field>
          <button type="button" className="browse" onClick={chooser.open}>
            {t('wizard.source.browse')}
          </button>
        </div>
        <div className="path-row">
          <Field label={t('details.secondCdrom')} error={problems.secondCdrom} help={t('details.secondCdromHelp')}>
            <input
              type="text"
              spellCheck={false}
              value={form.secondCdrom}
              onChange={(e) => edit({ secondCdrom: e.target.value })}
            />
          </Field>
          <button type="button" className="browse" onClick={secondChooser.open}>
            {t('wizard.source.browse')}
          </button>
        </div>
        <Field label={t('details.nicModel')} error={problems.nicModel}>
          <select
            value={form.nicModel}
            onChange={(e) => edit({ nicModel: e.target.value as HardwareForm['nicModel'] })}
          >
            {nicModels.map((model) => (
              <option key={model} value={model}>
                {t(`details.nic.${model}`)}
              </option>
            ))}
          </select>
        </Field>
        {form.diskBuses.map((bus, index) => (
          <Field
            key={index}
            label={t('details.diskBus', { index })}
            error={index === 0 ? problems.diskBuses : undefined}
          >
            <select
              value={bus}
              onChange={(e) =>
                edit({ diskBuses: form.diskBuses.map((b, i) => (i === index ? (e.target.value as typeof b) : b)) })
              }
            >
              {diskBuses.map((choice) => (
                <option key={choice} value={choice}>
                  {t(`details.bus.${choice}`)}
                </option>
              ))}
            </select>
          </Field>
        ))}
        {vm.disks.length > 0 && (
          <Field
            label={t('wizard.fields.diskGiB')}
            error={problems.diskGiB}
            help={t('details.diskHelp')}
          >
            <input
              type="number"
              step="any"
              min={0}
              value={Number.isNaN(form.diskGiB) ? '' : form.diskGiB}
              onChange={(e) => edit({ diskGiB: e.target.valueAsNumber })}
            />
          </Field>
        )}
        <PortForwardsEditor
          value={form.portForwards}
          error={problems.portForwards}
          onChange={(portForwards) => edit({ portForwards })}
        />
      </fieldset>
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <span role="status" className="muted">
          {saved ? t('details.saved') : ''}
        </span>
        <button type="button" disabled={!dirty || saving} onClick={() => setForm(formFromVm(vm))}>
          {t('details.revert')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={!editable || !dirty || saving}
          aria-busy={saving}
        >
          {t('details.save')}
        </button>
      </div>
      {chooser.dialog}
      {secondChooser.dialog}
    </form>
  )
}
