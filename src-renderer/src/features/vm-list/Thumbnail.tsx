import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import type { VmSummary } from '../../api/types'
import { Icon } from '../../ui/icons'
import { useVisible } from './use-visible'

const refreshMs = 3000

/**
 * A live picture of a running VM's screen: one `screenshot` every 3 s, only while the card
 * is on screen. A stopped VM costs nothing.
 */
export function Thumbnail({ vm }: { vm: VmSummary }) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDivElement>(null)
  const visible = useVisible(ref)
  const live = vm.state === 'running' || vm.state === 'paused' || vm.state === 'shutting-down'
  // A picture belongs to one run of the VM: an old run's last frame is never shown.
  const [shot, setShot] = useState<{ src: string; run: string | null } | null>(null)
  const run = vm.startedAt
  const { connection, id } = vm

  useEffect(() => {
    if (!live || !visible) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const picture = await api.call('screenshot', { connection, id })
        if (!cancelled) setShot({ src: `data:image/png;base64,${picture.png}`, run })
      } catch {
        // The VM may just have stopped; the next vmChanged says so.
      }
      if (!cancelled) timer = setTimeout(() => void tick(), refreshMs)
    }
    void tick()
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [connection, id, live, visible, run])

  const src = live && shot !== null && shot.run === run ? shot.src : null

  return (
    <div ref={ref} className={live ? 'thumb thumb-live' : 'thumb'}>
      {src !== null ? (
        <img src={src} alt={t('list.screenOf', { name: vm.name })} />
      ) : (
        <Icon name="screen" className="thumb-icon" />
      )}
    </div>
  )
}
