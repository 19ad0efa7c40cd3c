import RFB from '@novnc/novnc'
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { api } from '../../api/client'
import { isOn, useVms } from '../vm-list/vms-store'
import type { VmRef } from '../../api/types'
import { vmKey } from '../../api/vm-ref'

export type ConsoleStatus = 'off' | 'connecting' | 'connected' | 'reconnecting'

const backoffMs = [300, 600, 1200, 2500, 5000] as const

interface ConsoleOptions {
  vm: VmRef
  /** Whether the VM runs (a console to connect to exists). */
  on: boolean
  /** The canvas's accessible name. */
  label: string
  /** The id of the element that describes the canvas (how to release the keyboard). */
  description: string
  scale: boolean
  screenRef: RefObject<HTMLDivElement | null>
}

/**
 * Holds a noVNC connection to a VM's console while the VM runs. When it drops (a VM
 * restart, the web host restarting) it fetches a fresh endpoint and reconnects with backoff
 * for as long as the VM runs; when the VM stops it waits for it to start again.
 */
export function useConsole({ vm: { connection, id }, on, label, description, scale, screenRef }: ConsoleOptions) {
  const [status, setStatus] = useState<ConsoleStatus>(on ? 'connecting' : 'off')
  const [rfb, setRfb] = useState<RFB | null>(null)
  const rfbRef = useRef<RFB | null>(null)
  const settings = useRef({ label, description, scale })
  useLayoutEffect(() => {
    settings.current = { label, description, scale }
  })

  useEffect(() => {
    const target = screenRef.current
    if (!on || target === null) {
      setStatus('off')
      return
    }
    let cancelled = false
    let attempt = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let current: RFB | null = null

    const stillOn = () => {
      const vm = useVms.getState().vms[vmKey({ connection, id })]
      return vm === undefined || isOn(vm.state)
    }

    const retry = () => {
      if (cancelled || !stillOn()) return
      setStatus('reconnecting')
      const delay = backoffMs[Math.min(attempt, backoffMs.length - 1)] ?? 5000
      attempt++
      timer = setTimeout(() => void connect(), delay)
    }

    const connect = async () => {
      let url: string
      try {
        const endpoint = await api.call('consoleEndpoint', { connection, id })
        url = api.consoleUrl(endpoint.path)
      } catch {
        retry()
        return
      }
      if (cancelled) return
      const client = new RFB(target, url, { shared: true })
      current = client
      client.scaleViewport = settings.current.scale
      client.background = 'transparent'
      client.qualityLevel = 8
      labelCanvas(target, settings.current)
      client.addEventListener('connect', () => {
        if (cancelled) return
        attempt = 0
        setStatus('connected')
        rfbRef.current = client
        setRfb(client)
        labelCanvas(target, settings.current)
      })
      client.addEventListener('disconnect', () => {
        if (current === client) current = null
        if (rfbRef.current === client) rfbRef.current = null
        if (cancelled) return
        setRfb(null)
        retry()
      })
    }

    setStatus(attempt === 0 ? 'connecting' : 'reconnecting')
    void connect()
    return () => {
      cancelled = true
      clearTimeout(timer)
      current?.disconnect()
      rfbRef.current = null
      setRfb(null)
    }
  }, [connection, id, on, screenRef])

  useEffect(() => {
    if (rfbRef.current !== null) rfbRef.current.scaleViewport = scale
  }, [rfb, scale])

  useEffect(() => {
    const target = screenRef.current
    if (target !== null) labelCanvas(target, { label, description })
  }, [label, description, rfb, screenRef])

  return { status, rfb }
}

/**
 * The canvas noVNC made gets a role, a name ("Console of <name>") and a description, and a
 * place in the Tab order (after the controls): the keyboard reaches the guest as the mouse does.
 */
function labelCanvas(
  target: HTMLElement,
  { label, description }: { label: string; description: string },
): void {
  const canvas = target.querySelector('canvas')
  if (canvas === null) return
  canvas.tabIndex = 0
  canvas.setAttribute('role', 'application')
  canvas.setAttribute('aria-label', label)
  canvas.setAttribute('aria-describedby', description)
}
