import { create } from 'zustand'
import { api } from '../../api/client'
import { toErrorInfo } from '../../api/api-error'
import type { ErrorInfo, SettingsChanges, SettingsInfo } from '../../api/types'
import { defaultReleaseChord, isReleaseChord, type ReleaseChord } from '../console/release-chord'

// The shared settings (the API's getSettings / updateSettings over
// $XDG_CONFIG_HOME/vireo/settings.json), followed live: a change made in another window, tab or
// by `vireo settings` in this Vireo arrives as settingsChanged. Every read and write of them in
// the renderer is here. The language alone stays in the browser's storage (i18n.ts): it is
// chosen before any API call.

/** Where the release chord was kept before the settings file; moved into it once, then removed. */
const legacyReleaseChordKey = 'vireo.consoleReleaseKeys'

interface Preferences {
  /** The settings as the core last said; null until the first answer. */
  settings: SettingsInfo | null
  /** Why the settings cannot be read or changed (a broken file names itself and what to do). */
  error: ErrorInfo | null
  /** The keys that take the keyboard back from a console (Ctrl+Alt until the settings say). */
  releaseChord: ReleaseChord
  load(): Promise<void>
  /** Changes some settings; false (and `error` set) when the core refuses. */
  update(changes: SettingsChanges): Promise<boolean>
  setReleaseChord(chord: ReleaseChord): void
}

export const usePreferences = create<Preferences>((set, get) => {
  const received = (settings: SettingsInfo) => {
    set({ settings, error: null, releaseChord: settings.values.consoleReleaseChord })
    applyTheme(settings.values.theme)
  }
  return {
    settings: null,
    error: null,
    releaseChord: defaultReleaseChord,
    async load() {
      try {
        received(await api.call('getSettings', {}))
        await migrateReleaseChord(get())
      } catch (error) {
        set({ error: toErrorInfo(error) })
      }
    },
    async update(changes) {
      try {
        received(await api.call('updateSettings', { changes }))
        return true
      } catch (error) {
        set({ error: toErrorInfo(error) })
        return false
      }
    },
    setReleaseChord(chord) {
      set({ releaseChord: chord })
      void get().update({ consoleReleaseChord: chord })
    },
  }
})

let following: (() => void) | null = null

/** Follows every change of the settings (load() reads them); once, at the app's start. */
export function followSettings(): void {
  if (following !== null) return
  following = api.subscribe('settingsChanged', (settings) => {
    usePreferences.setState({ settings, error: null, releaseChord: settings.values.consoleReleaseChord })
    applyTheme(settings.values.theme)
  })
}

/** The theme on <html data-theme>: base.css's colours; `system` follows prefers-color-scheme. */
export function applyTheme(theme: SettingsInfo['values']['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = theme
}

/** A release chord chosen before the settings file (in localStorage) moves into it, once. */
async function migrateReleaseChord(state: Preferences): Promise<void> {
  let stored: string | null = null
  try {
    stored = localStorage.getItem(legacyReleaseChordKey)
  } catch {
    return
  }
  if (stored === null) return
  if (isReleaseChord(stored) && state.settings?.values.consoleReleaseChord === defaultReleaseChord) {
    if (!(await state.update({ consoleReleaseChord: stored }))) return
  }
  try {
    localStorage.removeItem(legacyReleaseChordKey)
  } catch {
    // Storage can be off (private windows): nothing was kept there then.
  }
}
