import { useTranslation } from 'react-i18next'
import { CommandLine } from '../../ui/CommandLine'
import { ErrorNote } from '../../ui/ErrorNote'
import { JobStatus } from '../../ui/JobStatus'
import { LaunchProblems } from '../../ui/LaunchProblems'
import { baseName, formatBytes, formatMiB } from '../../ui/format'
import { WizardFooter } from './WizardFooter'
import { createVm, useWizard } from './wizard-store'
import { LOCAL } from '../../api/vm-ref'

/** Page 5: everything that will be made, and the exact QEMU command line it starts with. */
export function ReviewPage() {
  const { t, i18n } = useTranslation()
  const draft = useWizard((s) => s.draft)
  const preview = useWizard((s) => s.preview)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const lng = i18n.language
  const iso = draft.sourceKind === 'iso'

  return (
    <>
      <dl className="summary">
        <dt>{t('wizard.fields.name')}</dt>
        <dd>{draft.name}</dd>
        {draft.connection !== LOCAL && (
          <>
            <dt>{t('wizard.fields.connection')}</dt>
            <dd className="mono-soft">{draft.connection}</dd>
          </>
        )}
        <dt>{iso ? t('wizard.review.iso') : t('wizard.review.image')}</dt>
        <dd className="mono-soft">{iso ? draft.isoPath : draft.importPath}</dd>
        {iso && (
          <>
            <dt>{t('wizard.review.os')}</dt>
            <dd>{draft.inspection?.os?.name ?? t('wizard.os.unknown')}</dd>
          </>
        )}
        <dt>{t('wizard.fields.memory')}</dt>
        <dd>{formatMiB(draft.memoryMiB, lng)}</dd>
        <dt>{t('wizard.fields.cpus')}</dt>
        <dd>{draft.cpus}</dd>
        <dt>{t('wizard.fields.disk')}</dt>
        <dd>
          {iso
            ? `${formatBytes(draft.diskGiB * 1024 ** 3, lng)} (${draft.diskFormat})`
            : baseName(draft.importPath)}
          {preview !== null && <span className="mono-soft muted"> — {preview.diskPath}</span>}
        </dd>
        <dt>{t('wizard.fields.firmware')}</dt>
        <dd>{t(`firmware.${draft.firmware}`)}</dd>
      </dl>
      {busy === 'previewing' && <p className="muted">{t('common.loading')}</p>}
      {preview !== null && preview.argv !== null && (
        <CommandLine argv={preview.argv} label={t('wizard.review.commandLine')} />
      )}
      {preview !== null && preview.problems.length > 0 && (
        <LaunchProblems title={t('wizard.review.cannotStart')} problems={preview.problems} />
      )}
      {error !== null && <ErrorNote error={error} />}
      {busy === 'creating' &&
        (iso ? (
          <p role="status" className="muted">
            {t('wizard.creating')}
          </p>
        ) : (
          <JobStatus kind="import" connection={draft.connection} subject={draft.importPath.trim()} text={t('wizard.importing')} />
        ))}
      <WizardFooter>
        <button
          type="button"
          className="primary"
          disabled={busy === 'creating'}
          aria-busy={busy === 'creating'}
          onClick={() => void createVm()}
        >
          {t('wizard.createAndStart')}
        </button>
      </WizardFooter>
    </>
  )
}
