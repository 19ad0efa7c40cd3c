import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { navigate } from '../../app/route-store'
import { back, resetWizard, useWizard } from './wizard-store'

/** Cancel on the left; Back and the page's own buttons on the right. */
export function WizardFooter({
  children,
  showBack = true,
}: {
  children: ReactNode
  showBack?: boolean
}) {
  const { t } = useTranslation()
  const busy = useWizard((s) => s.busy)
  return (
    <div className="wizard-footer">
      <button
        type="button"
        className="plain"
        onClick={() => {
          resetWizard()
          navigate({ name: 'list' })
        }}
      >
        {t('common.cancel')}
      </button>
      <div className="wizard-footer-end">
        {showBack && (
          <button type="button" disabled={busy === 'creating'} onClick={back}>
            {t('wizard.back')}
          </button>
        )}
        {children}
      </div>
    </div>
  )
}
