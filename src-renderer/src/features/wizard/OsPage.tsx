import { useTranslation } from 'react-i18next'
import { ErrorNote } from '../../ui/ErrorNote'
import { baseName, formatBytes, formatMiB } from '../../ui/format'
import { Icon } from '../../ui/icons'
import { useHost } from '../host/host-store'
import { WizardFooter } from './WizardFooter'
import { ConnectionField } from './ConnectionField'
import { createVm, goTo, updateDraft, useWizard } from './wizard-store'
import { useProblemText } from './use-problem-text'

/**
 * Page 2: what the ISO holds and what Vireo will make of it. "Create and start" accepts
 * everything as shown (one click to the console); "Customize" walks through the rest.
 */
export function OsPage() {
  const { t, i18n } = useTranslation()
  const draft = useWizard((s) => s.draft)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const problems = useWizard((s) => s.problems)
  const accel = useHost((s) => s.report?.accel)
  const problemText = useProblemText()
  const inspection = draft.inspection
  const os = inspection?.os ?? null
  const hardware = inspection?.recommended.hardware
  const drivers = draft.attachDrivers && inspection?.driversIso != null

  return (
    <>
      <div className="os-card">
        <Icon name="disc" className="os-icon" />
        <div>
          <h3 className="os-name">{os !== null ? os.name : t('wizard.os.unknown')}</h3>
          <p className="muted">
            {inspection !== null &&
              [
                baseName(inspection.path),
                inspection.label !== null
                  ? t('wizard.os.label', { label: inspection.label })
                  : null,
                formatBytes(inspection.sizeBytes, i18n.language),
              ]
                .filter(Boolean)
                .join(' · ')}
          </p>
        </div>
      </div>

      <h3 className="section-label">{t('wizard.os.willMake')}</h3>
      <dl className="summary">
        <dt>{t('wizard.fields.name')}</dt>
        <dd>{draft.name}</dd>
        <dt>{t('wizard.fields.memory')}</dt>
        <dd>{formatMiB(draft.memoryMiB, i18n.language)}</dd>
        <dt>{t('wizard.fields.cpus')}</dt>
        <dd>{draft.cpus}</dd>
        <dt>{t('wizard.fields.disk')}</dt>
        <dd>
          {formatBytes(draft.diskGiB * 1024 ** 3, i18n.language)} ({draft.diskFormat})
        </dd>
        <dt>{t('wizard.fields.firmware')}</dt>
        <dd>{t(`firmware.${draft.firmware}`)}</dd>
      </dl>
      <ConnectionField />
      {hardware !== undefined && (
        <>
          <p className="note" data-testid="windows-hardware">
            {t('wizard.windows.hardware', {
              disk: drivers ? 'virtio' : hardware.diskBus.toUpperCase(),
              nic: drivers ? 'virtio' : hardware.nicModel,
            })}
            {hardware.tpm === true && ` ${t('wizard.windows.needs')}`}
          </p>
          {inspection?.driversIso != null && (
            <label className="check">
              <input
                type="checkbox"
                checked={draft.attachDrivers}
                onChange={(e) => updateDraft({ attachDrivers: e.target.checked })}
              />
              {t('wizard.windows.drivers', { path: inspection.driversIso })}
            </label>
          )}
        </>
      )}
      {accel === 'tcg' && <p className="note">{t('wizard.os.tcgNote')}</p>}
      {Object.entries(problems).map(([field, problem]) => (
        <p key={field} className="field-error" role="alert">
          {problemText(problem)}
        </p>
      ))}
      {error !== null && <ErrorNote error={error} />}
      {busy === 'creating' && (
        <p role="status" className="muted">
          {t('wizard.creating')}
        </p>
      )}

      <WizardFooter>
        <button type="button" disabled={busy !== null} onClick={() => goTo('resources')}>
          {t('wizard.os.customize')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy !== null}
          aria-busy={busy === 'creating'}
          onClick={() => void createVm()}
        >
          {t('wizard.createAndStart')}
        </button>
      </WizardFooter>
    </>
  )
}
