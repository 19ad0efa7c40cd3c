import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { languagePreference, setLanguagePreference, type LanguagePreference } from '../../i18n/i18n'
import { Dialog } from '../../ui/Dialog'
import { Field } from '../../ui/Field'
import { releaseChords, type ReleaseChord } from '../console/release-chord'
import { usePreferences } from './preferences'

/** Preferences: the language (follows the system unless chosen here) and the console's keys. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation()
  const [language, setLanguage] = useState<LanguagePreference>(languagePreference)
  const releaseChord = usePreferences((s) => s.releaseChord)
  const setReleaseChord = usePreferences((s) => s.setReleaseChord)

  return (
    <Dialog
      title={t('settings.title')}
      onClose={onClose}
      actions={
        <button type="button" className="primary" onClick={onClose}>
          {t('common.done')}
        </button>
      }
    >
      <Field label={t('settings.language')} help={t('settings.languageHelp')}>
        <select
          data-autofocus
          value={language}
          onChange={(event) => {
            const value = event.target.value as LanguagePreference
            setLanguage(value)
            void setLanguagePreference(value)
          }}
        >
          <option value="system">{t('settings.languageSystem')}</option>
          {/* Each language is named in itself, so it can be found from any other. */}
          <option value="en" lang="en">
            English
          </option>
          <option value="zh-CN" lang="zh-CN">
            简体中文
          </option>
        </select>
      </Field>
      <Field label={t('settings.releaseKeys')} help={t('settings.releaseKeysHelp')}>
        <select
          value={releaseChord}
          onChange={(event) => setReleaseChord(event.target.value as ReleaseChord)}
        >
          {releaseChords.map((chord) => (
            <option key={chord} value={chord}>
              {t(`console.releaseKeys.${chord}`)}
            </option>
          ))}
        </select>
      </Field>
    </Dialog>
  )
}
