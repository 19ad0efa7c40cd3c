import { useTranslation } from 'react-i18next'
import type { ErrorInfo } from '../api/types'
import { useCoreText } from '../i18n/core-text'
import './error-note.css'

/** What went wrong and what to do next, as the server said it (in the UI's language). */
export function ErrorNote({ error: sent, onDismiss }: { error: ErrorInfo; onDismiss?: () => void }) {
  const { t } = useTranslation()
  const error = useCoreText().error(sent)
  return (
    <div className="error-note" role="alert">
      <div className="error-text">
        <p className="error-message">{error.message}</p>
        {error.hint !== undefined && error.hint !== '' && (
          <p className="error-hint">{error.hint}</p>
        )}
      </div>
      {onDismiss !== undefined && (
        <button type="button" className="plain" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  )
}
