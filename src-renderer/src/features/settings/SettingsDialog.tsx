import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SettingsInfo } from '../../api/types'
import { languagePreference, setLanguagePreference, type LanguagePreference } from '../../i18n/i18n'
import { Dialog } from '../../ui/Dialog'
import { ErrorNote } from '../../ui/ErrorNote'
import { Field } from '../../ui/Field'
import { releaseChords, type ReleaseChord } from '../console/release-chord'
import { usePreferences } from './preferences'

type Values = SettingsInfo['values']

/**
 * Settings. The language is this browser's own (chosen before any API call: i18n.ts); the
 * rest is the settings file every front end shares (preferences.ts), saved as it is changed.
 */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation()
  const [language, setLanguage] = useState<LanguagePreference>(languagePreference)
  const settings = usePreferences((s) => s.settings)
  const error = usePreferences((s) => s.error)
  const update = usePreferences((s) => s.update)
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
      {error !== null && <ErrorNote error={error} />}
      {settings !== null && (
        <>
          <Field label={t('settings.theme')}>
            <select
              value={settings.values.theme}
              onChange={(event) => void update({ theme: event.target.value as Values['theme'] })}
            >
              <option value="system">{t('settings.themeSystem')}</option>
              <option value="light">{t('settings.themeLight')}</option>
              <option value="dark">{t('settings.themeDark')}</option>
            </select>
          </Field>
          <Field label={t('settings.defaultAccel')} help={t('settings.defaultAccelHelp')}>
            <select
              value={settings.values.defaultAccel}
              onChange={(event) => void update({ defaultAccel: event.target.value as Values['defaultAccel'] })}
            >
              <option value="auto">{t('details.accelChoice.auto')}</option>
              <option value="kvm">{t('details.accelChoice.kvm')}</option>
              <option value="tcg">{t('details.accelChoice.tcg')}</option>
            </select>
          </Field>
          {/* Keyed by the saved value: a change made elsewhere replaces what is shown. */}
          <VmFolderField key={settings.values.vmFolder ?? ''} settings={settings} />
          <IsoFoldersField settings={settings} />
        </>
      )}
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
      {settings !== null && <p className="field-help">{t('settings.file', { file: settings.file })}</p>}
    </Dialog>
  )
}

/** The VM folder: saved on leaving the field (or Enter); it takes effect at the next start. */
function VmFolderField({ settings }: { settings: SettingsInfo }) {
  const { t } = useTranslation()
  const update = usePreferences((s) => s.update)
  const saved = settings.values.vmFolder ?? ''
  const [draft, setDraft] = useState(saved)
  const override = settings.overrides.vmFolder
  const save = () => {
    const value = draft.trim()
    if (value !== saved) void update({ vmFolder: value === '' ? null : value })
  }
  const help =
    override !== undefined
      ? t('settings.overridden', { variable: override.variable, value: override.value })
      : t('settings.vmFolderHelp', { inUse: settings.vmFolderInUse })
  return (
    <Field label={t('settings.vmFolder')} help={help}>
      <input
        type="text"
        value={draft}
        placeholder={t('settings.vmFolderDefault')}
        spellCheck={false}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={save}
        onKeyDown={(event) => event.key === 'Enter' && save()}
      />
    </Field>
  )
}

/** The folders searched for ISOs (and open in the file browser), besides the home folder. */
function IsoFoldersField({ settings }: { settings: SettingsInfo }) {
  const { t } = useTranslation()
  const update = usePreferences((s) => s.update)
  const [draft, setDraft] = useState('')
  const folders = settings.values.isoFolders
  const override = settings.overrides.isoFolders
  const add = () => {
    const value = draft.trim()
    if (value === '' || folders.includes(value)) return
    void update({ isoFolders: [...folders, value] }).then((ok) => ok && setDraft(''))
  }
  return (
    <fieldset className="settings-folders">
      <legend>{t('settings.isoFolders')}</legend>
      {folders.length === 0 ? (
        <p className="field-help">{t('settings.isoFoldersNone')}</p>
      ) : (
        <ul className="settings-folder-list">
          {folders.map((folder) => (
            <li key={folder}>
              <span className="settings-folder-path">{folder}</span>
              <button
                type="button"
                className="plain"
                aria-label={t('settings.isoFolderRemove', { folder })}
                onClick={() => void update({ isoFolders: folders.filter((f) => f !== folder) })}
              >
                {t('settings.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="path-row">
        <Field
          label={t('settings.isoFolderAdd')}
          help={
            override !== undefined
              ? t('settings.overridden', { variable: override.variable, value: override.value })
              : t('settings.isoFoldersHelp')
          }
        >
          <input
            type="text"
            value={draft}
            placeholder="/srv/isos"
            spellCheck={false}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => event.key === 'Enter' && add()}
          />
        </Field>
        <button type="button" className="browse" onClick={add}>
          {t('settings.add')}
        </button>
      </div>
    </fieldset>
  )
}
