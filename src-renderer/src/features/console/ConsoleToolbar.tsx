import type RFB from '@novnc/novnc'
import { useState, type Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo, VmSummary } from '../../api/types'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { baseName } from '../../ui/format'
import { Icon } from '../../ui/icons'
import { MenuButton, type MenuItem } from '../../ui/MenuButton'
import { useFileChooser } from '../file-browser/use-file-chooser'
import { powerActionsFor, runPowerAction, type PowerAction } from '../vm-list/vm-actions'
import { useVms } from '../vm-list/vms-store'
import { combos, pressCombo } from './keys'
import { TypeTextDialog } from './TypeTextDialog'
import { refOf } from '../../api/vm-ref'

interface ConsoleToolbarProps {
  /** The toolbar itself: where focus goes when the keyboard is released from the guest. */
  ref?: Ref<HTMLDivElement>
  vm: VmSummary
  rfb: RFB | null
  scale: boolean
  onScale: (scale: boolean) => void
  fullscreen: boolean
  onFullscreen: () => void
  onSent: (what: string) => void
  onError: (error: ErrorInfo | null) => void
}

type Open = null | 'type' | 'forceOff'

/** View, keys, media and power controls above the console. */
export function ConsoleToolbar({ ref, ...props }: ConsoleToolbarProps) {
  const { t } = useTranslation()
  const { vm, rfb, onError } = props
  const [open, setOpen] = useState<Open>(null)

  const attempt = async (work: () => Promise<void>) => {
    onError(null)
    try {
      await work()
    } catch (error) {
      onError(toErrorInfo(error))
    }
  }

  const chooser = useFileChooser(
    'iso',
    t('console.insertIsoTitle'),
    (path) =>
      void attempt(async () =>
        useVms.getState().upsert(await api.call('insertIso', { ...refOf(vm), path })),
      ),
  )

  const keyItems: MenuItem[] = [
    {
      key: 'ctrl-alt-del',
      label: 'Ctrl+Alt+Del',
      disabled: rfb === null,
      onSelect: () => {
        rfb?.sendCtrlAltDel()
        props.onSent('Ctrl+Alt+Del')
        rfb?.focus()
      },
    },
    ...combos.map((combo) => ({
      key: combo.id,
      label: combo.id === 'print' ? t('console.printScreen') : combo.label,
      disabled: rfb === null,
      onSelect: () => {
        if (rfb === null) return
        pressCombo(rfb, combo.strokes)
        props.onSent(combo.id === 'print' ? t('console.printScreen') : combo.label)
        rfb.focus()
      },
    })),
  ]

  const mediaItems: MenuItem[] = [
    { key: 'insert', label: t('console.insertIso'), onSelect: chooser.open },
    {
      key: 'eject',
      label: t('console.eject'),
      disabled: vm.cdrom === null,
      onSelect: () =>
        void attempt(async () =>
          useVms.getState().upsert(await api.call('ejectIso', refOf(vm))),
        ),
    },
  ]

  const powerItems: MenuItem[] = powerActionsFor(vm).map((action: PowerAction) => ({
    key: action,
    label: t(`actions.${action}`),
    danger: action === 'forceOff',
    onSelect: () =>
      action === 'forceOff'
        ? setOpen('forceOff')
        : void attempt(() => runPowerAction(vm, action)),
  }))

  const mediaLabel =
    vm.cdrom === null ? t('console.noMedia') : t('console.media', { file: baseName(vm.cdrom) })

  return (
    <div ref={ref} className="console-tools" role="group" aria-label={t('console.tools')}>
      <button
        type="button"
        className="small"
        aria-pressed={props.scale}
        onClick={() => props.onScale(!props.scale)}
      >
        {t('console.scale')}
      </button>
      <button type="button" className="small" onClick={props.onFullscreen}>
        <Icon name="expand" />
        {props.fullscreen ? t('console.exitFullscreen') : t('console.fullscreen')}
      </button>
      <MenuButton className="small" label={t('console.sendKey')} items={keyItems} />
      <button
        type="button"
        className="small"
        disabled={rfb === null}
        onClick={() => setOpen('type')}
      >
        <Icon name="keyboard" />
        {t('console.typeText')}
      </button>
      <MenuButton
        className="small"
        label={mediaLabel}
        content={
          <>
            <Icon name="disc" />
            {mediaLabel}
          </>
        }
        items={mediaItems}
      />
      {powerItems.length > 0 && (
        <MenuButton className="small" label={t('console.power')} items={powerItems} />
      )}

      {open === 'type' && rfb !== null && (
        <TypeTextDialog sender={rfb} onClose={() => setOpen(null)} />
      )}
      {chooser.dialog}
      {open === 'forceOff' && (
        <ConfirmDialog
          title={t('confirm.forceOffTitle', { name: vm.name })}
          confirmLabel={t('actions.forceOff')}
          danger
          onCancel={() => setOpen(null)}
          onConfirm={() => {
            setOpen(null)
            void attempt(() => runPowerAction(vm, 'forceOff'))
          }}
        >
          {t('confirm.forceOffText')}
        </ConfirmDialog>
      )}
    </div>
  )
}
