import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Dialog } from './Dialog'

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  /** An optional checkbox (e.g. "Also delete its disks"), passed to onConfirm. */
  checkbox?: string
  onConfirm: (checked: boolean) => void
  onCancel: () => void
}

/** Asks before something that cannot be undone. Cancel has the focus. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useTranslation()
  const [checked, setChecked] = useState(false)
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      actions={
        <>
          <button type="button" data-autofocus onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={props.danger === true ? 'danger' : 'primary'}
            onClick={() => props.onConfirm(checked)}
          >
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text">{props.children}</div>
      {props.checkbox !== undefined && (
        <label className="check">
          <input
            type="checkbox"
            checked={checked}
            onChange={(event) => setChecked(event.target.checked)}
          />
          {props.checkbox}
        </label>
      )}
    </Dialog>
  )
}
