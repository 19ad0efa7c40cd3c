import { useTranslation } from 'react-i18next'
import type { AccelChoice, DiskFormat } from '../../api/types'
import { Field } from '../../ui/Field'
import { baseName, formatBytes, formatMiB } from '../../ui/format'
import { useHost } from '../host/host-store'
import { useProblemText } from './use-problem-text'
import { WizardFooter } from './WizardFooter'
import { defaultAccel, next, updateDraft, useWizard } from './wizard-store'

/** Page 3: memory and vCPUs within what the host has; the disk's size and format. */
export function ResourcesPage() {
  const { t, i18n } = useTranslation()
  const draft = useWizard((s) => s.draft)
  const problems = useWizard((s) => s.problems)
  const busy = useWizard((s) => s.busy)
  const host = useHost((s) => s.report)
  const problemText = useProblemText()
  const lng = i18n.language

  return (
    <form
      noValidate
      className="form-grid"
      onSubmit={(event) => {
        event.preventDefault()
        void next()
      }}
    >
      <Field
        label={t('wizard.fields.memoryMiB')}
        error={problemText(problems.memoryMiB)}
        help={
          host !== null
            ? t('wizard.resources.memoryHelp', {
                available: formatMiB(host.memory.availableMiB, lng),
                total: formatMiB(host.memory.totalMiB, lng),
              })
            : undefined
        }
      >
        <input
          type="number"
          inputMode="numeric"
          min={32}
          max={host?.memory.totalMiB}
          step={32}
          value={Number.isNaN(draft.memoryMiB) ? '' : draft.memoryMiB}
          onChange={(event) =>
            updateDraft({ memoryMiB: event.target.valueAsNumber }, ['memoryMiB'])
          }
        />
      </Field>
      <Field
        label={t('wizard.fields.cpus')}
        error={problemText(problems.cpus)}
        help={host !== null ? t('wizard.resources.cpusHelp', { count: host.cpus }) : undefined}
      >
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={host?.cpus}
          step={1}
          value={Number.isNaN(draft.cpus) ? '' : draft.cpus}
          onChange={(event) => updateDraft({ cpus: event.target.valueAsNumber }, ['cpus'])}
        />
      </Field>
      {draft.sourceKind === 'iso' ? (
        <>
          <Field
            label={t('wizard.fields.diskGiB')}
            error={problemText(problems.diskSize)}
            help={
              host !== null
                ? t('wizard.resources.diskHelp', {
                    free: formatBytes(host.disk.freeBytes, lng),
                    path: host.disk.path,
                  })
                : undefined
            }
          >
            <input
              type="number"
              inputMode="decimal"
              min={0.01}
              step="any"
              value={Number.isNaN(draft.diskGiB) ? '' : draft.diskGiB}
              onChange={(event) =>
                updateDraft({ diskGiB: event.target.valueAsNumber }, ['diskSize'])
              }
            />
          </Field>
          <Field
            label={t('wizard.fields.diskFormat')}
            error={problemText(problems.diskFormat)}
            help={t(`wizard.resources.formatHelp.${draft.diskFormat}`)}
          >
            <select
              value={draft.diskFormat}
              onChange={(event) =>
                updateDraft({ diskFormat: event.target.value as DiskFormat }, ['diskFormat'])
              }
            >
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          </Field>
        </>
      ) : (
        <p className="note">
          {t('wizard.resources.importNote', { file: baseName(draft.importPath) })}
        </p>
      )}
      <Field label={t('wizard.fields.accel')} help={t('wizard.resources.accelHelp')}>
        <select
          value={draft.accel ?? defaultAccel()}
          onChange={(event) => updateDraft({ accel: event.target.value as AccelChoice })}
        >
          <option value="auto">{t('details.accelChoice.auto')}</option>
          <option value="kvm">{t('details.accelChoice.kvm')}</option>
          <option value="tcg">{t('details.accelChoice.tcg')}</option>
        </select>
      </Field>
      <WizardFooter>
        <button type="submit" className="primary" disabled={busy !== null}>
          {t('wizard.next')}
        </button>
      </WizardFooter>
    </form>
  )
}
