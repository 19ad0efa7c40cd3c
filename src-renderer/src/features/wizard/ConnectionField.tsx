import { useTranslation } from 'react-i18next'
import { Field } from '../../ui/Field'
import { useConnections } from '../connections/connections-store'
import { updateDraft, useWizard } from './wizard-store'

/** Where the VM is made: shown only when a libvirt connection is up beside Vireo's own. */
export function ConnectionField() {
  const { t } = useTranslation()
  const connection = useWizard((s) => s.draft.connection)
  const connections = useConnections((s) => s.connections).filter((c) => c.state === 'connected')
  if (connections.length < 2) return null
  return (
    <Field label={t('wizard.fields.connection')} help={t('wizard.name.connectionHelp')}>
      <select value={connection} onChange={(event) => updateDraft({ connection: event.target.value }, [])}>
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.kind === 'local' ? t('connections.local') : c.uri}
          </option>
        ))}
      </select>
    </Field>
  )
}
