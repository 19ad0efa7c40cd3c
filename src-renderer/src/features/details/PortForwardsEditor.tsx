import { useTranslation } from 'react-i18next'
import type { PortForward } from '../../api/types'
import { Icon } from '../../ui/icons'
import { freeHostPort } from './hardware-form'

interface PortForwardsEditorProps {
  value: PortForward[]
  onChange: (value: PortForward[]) => void
  error?: string | undefined
}

/** Host port → guest port rules of the VM's user-mode network. */
export function PortForwardsEditor({ value, onChange, error }: PortForwardsEditorProps) {
  const { t } = useTranslation()
  const update = (index: number, patch: Partial<PortForward>) =>
    onChange(value.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)))

  return (
    <fieldset className="ports">
      <legend>{t('details.ports')}</legend>
      {value.length === 0 && <p className="muted">{t('details.noPorts')}</p>}
      {value.length > 0 && (
        <table className="ports-table">
          <thead>
            <tr>
              <th scope="col">{t('details.protocol')}</th>
              <th scope="col">{t('details.hostPort')}</th>
              <th scope="col">{t('details.guestPort')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('details.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {value.map((rule, index) => (
              <tr key={index}>
                <td>
                  <select
                    aria-label={t('details.protocolOf', { n: index + 1 })}
                    value={rule.protocol}
                    onChange={(event) =>
                      update(index, { protocol: event.target.value as PortForward['protocol'] })
                    }
                  >
                    <option value="tcp">TCP</option>
                    <option value="udp">UDP</option>
                  </select>
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    max={65535}
                    aria-label={t('details.hostPortOf', { n: index + 1 })}
                    value={Number.isNaN(rule.hostPort) ? '' : rule.hostPort}
                    onChange={(event) => update(index, { hostPort: event.target.valueAsNumber })}
                  />
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    max={65535}
                    aria-label={t('details.guestPortOf', { n: index + 1 })}
                    value={Number.isNaN(rule.guestPort) ? '' : rule.guestPort}
                    onChange={(event) => update(index, { guestPort: event.target.valueAsNumber })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="small plain"
                    aria-label={t('details.removeRule', { n: index + 1 })}
                    onClick={() => onChange(value.filter((_, i) => i !== index))}
                  >
                    <Icon name="trash" />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error !== undefined && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="small"
        disabled={value.length >= 32}
        onClick={() =>
          onChange([...value, { protocol: 'tcp', hostPort: freeHostPort(value), guestPort: 22 }])
        }
      >
        <Icon name="plus" />
        {t('details.addPort')}
      </button>
    </fieldset>
  )
}
