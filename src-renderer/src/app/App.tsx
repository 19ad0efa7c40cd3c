import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api/client'
import { DetailsView } from '../features/details/DetailsView'
import { HostPanel } from '../features/host/HostPanel'
import { useHost } from '../features/host/host-store'
import { followSettings, usePreferences } from '../features/settings/preferences'
import { SettingsDialog } from '../features/settings/SettingsDialog'
import { followVmEvents, useVms } from '../features/vm-list/vms-store'
import { VmList } from '../features/vm-list/VmList'
import { Wizard } from '../features/wizard/Wizard'
import { Icon } from '../ui/icons'
import { useConnection } from './connection-store'
import { navigate, useRoute } from './route-store'
import type { Route } from './routes'
import { vmKey } from '../api/vm-ref'

// noVNC is most of the bundle: load it with the first console opened.
const ConsoleView = lazy(() =>
  import('../features/console/ConsoleView').then((module) => ({ default: module.ConsoleView })),
)

/** The shell: header, connection and host status, and the screen the route names. */
export function App() {
  const { t } = useTranslation()
  const route = useRoute((s) => s.route)
  const [settings, setSettings] = useState(false)
  useBackend()
  useFocusOnRouteChange(route)

  return (
    <div className={route.name === 'console' ? 'app app-console' : 'app'}>
      <button
        type="button"
        className="skip-link"
        onClick={() => document.getElementById('main')?.focus()}
      >
        {t('shell.skip')}
      </button>
      <header className="app-header">
        <button type="button" className="brand" onClick={() => navigate({ name: 'list' })}>
          <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" />
            <path d="M8 10l8 13 8-13" />
          </svg>
          <span className="brand-name">Vireo</span>
        </button>
        <div className="header-actions">
          <button
            type="button"
            className="primary"
            aria-current={route.name === 'new' ? 'page' : undefined}
            onClick={() => navigate({ name: 'new' })}
          >
            <Icon name="plus" />
            {t('shell.newVm')}
          </button>
          <button type="button" className="icon-button" onClick={() => setSettings(true)}>
            <Icon name="gear" />
            <span className="visually-hidden">{t('shell.settings')}</span>
          </button>
        </div>
      </header>
      <ConnectionBanner />
      {route.name === 'list' && <HostPanel />}
      <main id="main" className="app-main" tabIndex={-1}>
        <Screen route={route} />
      </main>
      {settings && <SettingsDialog onClose={() => setSettings(false)} />}
    </div>
  )
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'list':
      return <VmList />
    case 'new':
      return <Wizard />
    case 'details':
      return <DetailsView key={vmKey(route)} connection={route.connection} id={route.id} />
    case 'console':
      return (
        <Suspense fallback={null}>
          <ConsoleView key={vmKey(route)} connection={route.connection} id={route.id} />
        </Suspense>
      )
  }
}

function ConnectionBanner() {
  const { t } = useTranslation()
  const status = useConnection((s) => s.status)
  return (
    <div
      role="status"
      className={status === 'reconnecting' ? 'banner banner-warning' : 'banner-empty'}
    >
      {status === 'reconnecting' && (
        <>
          <span className="spinner" aria-hidden="true" />
          {t('connection.reconnecting')}
        </>
      )}
    </div>
  )
}

/** Load the host report and the VM list, follow events, and load again after a reconnection. */
function useBackend(): void {
  useEffect(() => {
    const unfollow = followVmEvents()
    followSettings()
    const loadAll = () => {
      void useVms.getState().load()
      void useHost.getState().load()
      void usePreferences.getState().load()
    }
    loadAll()
    let wasDown = false
    const unwatch = api.onConnection((status) => {
      if (status !== 'open') wasDown = true
      else if (wasDown) {
        wasDown = false
        loadAll()
      }
    })
    return () => {
      unfollow()
      unwatch()
    }
  }, [])
}

/**
 * After moving to another screen, focus goes to its title (not on first load). A screen that
 * is not there yet (the console, loaded lazily; one waiting for its VM) gets it when its title
 * appears.
 */
function useFocusOnRouteChange(route: Route): void {
  const first = useRef(true)
  const key = JSON.stringify(route)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    const focusTitle = () => {
      const title = document.querySelector<HTMLElement>('main h1[tabindex="-1"]')
      title?.focus()
      return title !== null
    }
    const main = document.getElementById('main')
    if (focusTitle() || main === null) return
    const observer = new MutationObserver(() => {
      // Meanwhile the user may have put focus somewhere: leave it there.
      const lost = document.activeElement === null || document.activeElement === document.body
      if (!lost || focusTitle()) observer.disconnect()
    })
    observer.observe(main, { childList: true, subtree: true })
    return () => observer.disconnect()
  }, [key])
}
