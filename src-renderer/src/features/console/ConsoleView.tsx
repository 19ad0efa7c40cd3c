import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ErrorInfo } from '../../api/types'
import { navigate } from '../../app/route-store'
import { ErrorNote } from '../../ui/ErrorNote'
import { Icon } from '../../ui/icons'
import { runPowerAction } from '../vm-list/vm-actions'
import { isOn, useVms } from '../vm-list/vms-store'
import { StateBadge, StateNote } from '../vm-list/VmStatus'
import { ConsoleToolbar } from './ConsoleToolbar'
import { useConsole } from './use-console'
import { useKeyboardRelease } from './use-keyboard-release'
import { usePreferences } from '../settings/preferences'
import { toErrorInfo } from '../../api/api-error'
import './console.css'
import type { VmRef } from '../../api/types'
import { vmKey } from '../../api/vm-ref'

/** A VM's screen, keyboard and mouse (noVNC), scaled to fit, with its controls above. */
export function ConsoleView({ connection, id }: VmRef) {
  const { t } = useTranslation()
  const vm = useVms((s) => s.vms[vmKey({ connection, id })])
  const loaded = useVms((s) => s.loaded)
  const [scale, setScale] = useState(true)
  const [fullscreen, setFullscreen] = useState(false)
  const [sent, setSent] = useState('')
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [starting, setStarting] = useState(false)
  const screenRef = useRef<HTMLDivElement>(null)
  const sectionRef = useRef<HTMLElement>(null)
  const toolsRef = useRef<HTMLDivElement>(null)
  const hintId = useId()
  const chord = usePreferences((s) => s.releaseChord)
  const name = vm?.name ?? ''
  const on = vm !== undefined && vm.broken === null && isOn(vm.state)

  const { status, rfb } = useConsole({
    vm: { connection, id },
    on,
    label: t('console.canvasLabel', { name }),
    description: hintId,
    scale,
    screenRef,
  })

  const holdsKeyboard = useKeyboardRelease({
    screenRef,
    sender: rfb,
    chord,
    onRelease: () => toolsRef.current?.querySelector<HTMLElement>('button:enabled')?.focus(),
  })
  const holding = holdsKeyboard && status === 'connected'

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === sectionRef.current)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])

  useEffect(() => {
    if (sent === '') return
    const timer = setTimeout(() => setSent(''), 3000)
    return () => clearTimeout(timer)
  }, [sent])

  const toggleFullscreen = () => {
    if (document.fullscreenElement !== null) void document.exitFullscreen()
    else void sectionRef.current?.requestFullscreen()
  }

  const start = async () => {
    setStarting(true)
    setError(null)
    try {
      await runPowerAction({ connection, id }, 'start')
    } catch (e) {
      setError(toErrorInfo(e))
    } finally {
      setStarting(false)
    }
  }

  if (vm === undefined) {
    return (
      <section className="console">
        <BackLink />
        <p className="muted">{loaded ? t('common.notFound') : t('common.loading')}</p>
      </section>
    )
  }

  return (
    <section ref={sectionRef} className="console" aria-labelledby="console-title">
      <div className="console-bar">
        <BackLink />
        <h1 id="console-title" className="console-title" tabIndex={-1}>
          {vm.name}
        </h1>
        <StateBadge vm={vm} />
        <button
          type="button"
          className="small plain"
          onClick={() => navigate({ name: 'details', connection, id })}
        >
          <Icon name="info" />
          {t('actions.details')}
        </button>
        <ConsoleToolbar
          ref={toolsRef}
          vm={vm}
          rfb={rfb}
          scale={scale}
          onScale={setScale}
          fullscreen={fullscreen}
          onFullscreen={toggleFullscreen}
          onSent={(what) => setSent(t('console.sent', { keys: what }))}
          onError={setError}
        />
      </div>
      <p role="status" className="console-sent">
        {sent}
      </p>
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
      <div
        className={[
          'console-stage',
          scale ? '' : 'console-stage-actual',
          holding ? 'console-stage-holding' : '',
        ]
          .filter(Boolean)
          .join(' ')}
      >
        <div ref={screenRef} className="console-screen" />
        {/* Shown while the guest has the keyboard; the canvas's description at all times. */}
        <p id={hintId} className="console-hint" hidden={!holding}>
          {t('console.releaseHint', { keys: t(`console.releaseKeys.${chord}`) })}
        </p>
        {status !== 'connected' && (
          <div className="console-overlay">
            {on ? (
              <p className="console-wait" role="status">
                <span className="spinner" aria-hidden="true" />
                {status === 'reconnecting' ? t('console.reconnecting') : t('console.connecting')}
              </p>
            ) : (
              <div className="console-off">
                <Icon name="power" className="console-off-icon" />
                <p className="console-off-title">{t('console.off', { name: vm.name })}</p>
                <StateNote vm={vm} />
                {vm.broken === null && (
                  <button
                    type="button"
                    className="primary"
                    disabled={starting}
                    aria-busy={starting}
                    onClick={() => void start()}
                  >
                    <Icon name="play" />
                    {t('actions.start')}
                  </button>
                )}
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  )
}

function BackLink() {
  const { t } = useTranslation()
  return (
    <button type="button" className="small plain" onClick={() => navigate({ name: 'list' })}>
      <Icon name="back" />
      {t('common.allVms')}
    </button>
  )
}
