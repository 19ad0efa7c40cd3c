import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { IsoInspection } from '../../api/types'
import { useFileChooser } from '../file-browser/use-file-chooser'
import { Field } from '../../ui/Field'
import { baseName, formatBytes } from '../../ui/format'
import { Icon } from '../../ui/icons'
import type { ImportFormat } from './draft'
import { useFileDrop } from './use-file-drop'
import { useProblemText } from './use-problem-text'
import { WizardFooter } from './WizardFooter'
import {
  chooseImport,
  chooseIso,
  loadCandidates,
  next,
  updateDraft,
  useWizard,
} from './wizard-store'

const importFormats: ImportFormat[] = ['auto', 'qcow2', 'raw', 'vmdk', 'vdi']

/** Page 1: where the OS comes from: an installer ISO, or a disk that already has one. */
export function SourcePage() {
  const { t } = useTranslation()
  const draft = useWizard((s) => s.draft)
  const problems = useWizard((s) => s.problems)
  const busy = useWizard((s) => s.busy)
  const candidates = useWizard((s) => s.candidates)
  const problemText = useProblemText()
  const [dropNote, setDropNote] = useState(false)
  const iso = draft.sourceKind === 'iso'

  useEffect(() => {
    if (candidates === null) void loadCandidates()
  }, [candidates])

  const onDrop = useCallback((path: string | null) => {
    if (path === null) {
      setDropNote(true)
      return
    }
    setDropNote(false)
    if (/\.iso$/i.test(path)) void chooseIso(path)
    else chooseImport(path)
  }, [])
  const dragging = useFileDrop(onDrop)

  const chooser = useFileChooser(
    iso ? 'iso' : 'disk',
    iso ? t('wizard.source.browseIso') : t('wizard.source.browseImage'),
    (path) => (iso ? void chooseIso(path) : chooseImport(path)),
  )
  const pathField = iso ? 'isoPath' : 'importPath'
  return (
    <>
      <fieldset className="choice-row">
        <legend className="visually-hidden">{t('wizard.source.kind')}</legend>
        <label className={iso ? 'choice choice-on' : 'choice'}>
          <input
            type="radio"
            name="source-kind"
            checked={iso}
            onChange={() => updateDraft({ sourceKind: 'iso' })}
          />
          <span className="choice-title">{t('wizard.source.iso')}</span>
          <span className="choice-help">{t('wizard.source.isoHelp')}</span>
        </label>
        <label className={!iso ? 'choice choice-on' : 'choice'}>
          <input
            type="radio"
            name="source-kind"
            checked={!iso}
            onChange={() => updateDraft({ sourceKind: 'import' })}
          />
          <span className="choice-title">{t('wizard.source.import')}</span>
          <span className="choice-help">{t('wizard.source.importHelp')}</span>
        </label>
      </fieldset>

      <form
        noValidate
        className="path-row"
        onSubmit={(event) => {
          event.preventDefault()
          void next()
        }}
      >
        <Field
          label={iso ? t('wizard.source.isoPath') : t('wizard.source.importPath')}
          error={problemText(problems[pathField])}
        >
          <input
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder={iso ? '/home/me/Downloads/debian-12.iso' : '/home/me/disks/server.qcow2'}
            value={iso ? draft.isoPath : draft.importPath}
            onChange={(event) =>
              updateDraft(
                iso ? { isoPath: event.target.value } : { importPath: event.target.value },
                [pathField],
              )
            }
          />
        </Field>
        <button type="button" className="browse" onClick={chooser.open}>
          {t('wizard.source.browse')}
        </button>
      </form>

      {!iso && (
        <Field label={t('wizard.source.format')}>
          <select
            value={draft.importFormat}
            onChange={(event) => updateDraft({ importFormat: event.target.value as ImportFormat })}
          >
            {importFormats.map((format) => (
              <option key={format} value={format}>
                {t(`wizard.source.formats.${format}`)}
              </option>
            ))}
          </select>
        </Field>
      )}

      {iso && <Candidates candidates={candidates} disabled={busy !== null} />}

      <p className={dragging ? 'drop-hint drop-active' : 'drop-hint'}>
        {dropNote ? t('wizard.source.dropUnavailable') : t('wizard.source.dropHint')}
      </p>

      {busy === 'inspecting' && (
        <p role="status" className="muted">
          {t('wizard.source.inspecting')}
        </p>
      )}

      <WizardFooter showBack={false}>
        <button
          type="button"
          className="primary"
          disabled={busy !== null}
          onClick={() => void next()}
        >
          {t('wizard.next')}
        </button>
      </WizardFooter>

      {chooser.dialog}
    </>
  )
}

function Candidates({
  candidates,
  disabled,
}: {
  candidates: IsoInspection[] | null
  disabled: boolean
}) {
  const { t, i18n } = useTranslation()
  if (candidates === null || candidates.length === 0) return null
  return (
    <section className="candidates" aria-labelledby="candidates-title">
      <h3 id="candidates-title" className="section-label">
        {t('wizard.source.candidates')}
      </h3>
      <ul className="candidate-list">
        {candidates.map((candidate) => (
          <li key={candidate.path}>
            <button
              type="button"
              className="candidate"
              disabled={disabled}
              onClick={() => void chooseIso(candidate.path, candidate)}
            >
              <Icon name="disc" />
              <span className="candidate-name">
                {candidate.os?.name ?? candidate.label ?? baseName(candidate.path)}
              </span>
              <span className="candidate-file">
                {baseName(candidate.path)} · {formatBytes(candidate.sizeBytes, i18n.language)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
