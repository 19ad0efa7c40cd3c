import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Dialog } from '../../ui/Dialog'
import { Field } from '../../ui/Field'
import type { KeySender } from './keys'
import { typeText } from './typing'

/** "Type clipboard text": what is pasted here is typed into the guest, key by key. */
export function TypeTextDialog({ sender, onClose }: { sender: KeySender; onClose: () => void }) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const [typing, setTyping] = useState(false)
  const abort = useRef<AbortController | null>(null)

  const type = async () => {
    const controller = new AbortController()
    abort.current = controller
    setTyping(true)
    await typeText(sender, text, { signal: controller.signal })
    setTyping(false)
    if (!controller.signal.aborted) onClose()
  }

  const close = () => {
    abort.current?.abort()
    onClose()
  }

  return (
    <Dialog
      title={t('console.typeTitle')}
      onClose={close}
      actions={
        <>
          <button type="button" onClick={close}>
            {typing ? t('console.stopTyping') : t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={typing || text === ''}
            aria-busy={typing}
            onClick={() => void type()}
          >
            {t('console.type')}
          </button>
        </>
      }
    >
      <Field label={t('console.typeLabel')} help={t('console.typeHelp')}>
        <textarea
          data-autofocus
          rows={5}
          spellCheck={false}
          value={text}
          disabled={typing}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
    </Dialog>
  )
}
