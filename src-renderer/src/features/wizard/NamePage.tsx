import { useTranslation } from 'react-i18next'
import type { Firmware } from '../../api/types'
import { Field } from '../../ui/Field'
import { useHost } from '../host/host-store'
import { ConnectionField } from './ConnectionField'
import { useProblemText } from './use-problem-text'
import { WizardFooter } from './WizardFooter'
import { next, updateDraft, useWizard } from './wizard-store'

/** Page 4: the VM's name (any language, unique) and its firmware. */
export function NamePage() {
  const { t } = useTranslation()
  const draft = useWizard((s) => s.draft)
  const problems = useWizard((s) => s.problems)
  const busy = useWizard((s) => s.busy)
  const uefi = useHost((s) => s.report?.firmware.uefi != null)
  const problemText = useProblemText()

  const firmwareChoice = (value: Firmware, enabled: boolean) => (
    <label className={enabled ? 'radio' : 'radio radio-disabled'}>
      <input
        type="radio"
        name="firmware"
        value={value}
        checked={draft.firmware === value}
        disabled={!enabled}
        onChange={() => updateDraft({ firmware: value }, ['firmware'])}
      />
      {t(`firmware.${value}`)}
    </label>
  )

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
        label={t('wizard.fields.name')}
        error={problemText(problems.name)}
        help={t('wizard.name.help')}
      >
        <input
          type="text"
          autoComplete="off"
          maxLength={200}
          value={draft.name}
          onChange={(event) => updateDraft({ name: event.target.value }, ['name'])}
        />
      </Field>
      <ConnectionField />
      <fieldset className="radio-group" aria-describedby="firmware-help">
        <legend>{t('wizard.fields.firmware')}</legend>
        {firmwareChoice('bios', true)}
        {firmwareChoice('uefi', uefi)}
        <p id="firmware-help" className="field-help">
          {uefi ? t('wizard.name.firmwareHelp') : t('wizard.name.noUefi')}
        </p>
        {problems.firmware !== undefined && (
          <p className="field-error" role="alert">
            {problemText(problems.firmware)}
          </p>
        )}
      </fieldset>
      <WizardFooter>
        <button type="submit" className="primary" disabled={busy !== null}>
          {t('wizard.next')}
        </button>
      </WizardFooter>
    </form>
  )
}
