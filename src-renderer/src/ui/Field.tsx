import { useId, type ReactElement, type ReactNode } from 'react'
import { cloneElement } from 'react'

interface FieldProps {
  label: string
  /** Help under the control (host limits, what the value means). */
  help?: ReactNode
  /** A validation message, shown at the field and announced. */
  error?: string | undefined
  /** One input, select or textarea; it gets the ids and aria attributes. */
  children: ReactElement<Record<string, unknown>>
}

/** A labelled form control with its help and its error, wired for assistive technology. */
export function Field({ label, help, error, children }: FieldProps) {
  const id = useId()
  const helpId = `${id}-help`
  const errorId = `${id}-error`
  const describedBy = [error !== undefined ? errorId : null, help !== undefined ? helpId : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className={error !== undefined ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        'aria-invalid': error !== undefined ? true : undefined,
        'aria-describedby': describedBy === '' ? undefined : describedBy,
      })}
      {error !== undefined && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
      {help !== undefined && (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      )}
    </div>
  )
}
