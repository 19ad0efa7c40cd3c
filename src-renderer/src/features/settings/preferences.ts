import { create } from 'zustand'
import { defaultReleaseChord, isReleaseChord, type ReleaseChord } from '../console/release-chord'

// The console's preferences, kept in the browser's storage as the language is (i18n.ts).
// Every read and write of them is here, so they can move to a settings file in one place.
const releaseChordKey = 'vireo.consoleReleaseKeys'

function storedReleaseChord(): ReleaseChord {
  try {
    const stored = localStorage.getItem(releaseChordKey)
    return isReleaseChord(stored) ? stored : defaultReleaseChord
  } catch {
    return defaultReleaseChord
  }
}

interface Preferences {
  /** The keys that take the keyboard back from a console (Ctrl+Alt unless chosen). */
  releaseChord: ReleaseChord
  setReleaseChord(chord: ReleaseChord): void
}

export const usePreferences = create<Preferences>((set) => ({
  releaseChord: storedReleaseChord(),
  setReleaseChord: (chord) => {
    try {
      if (chord === defaultReleaseChord) localStorage.removeItem(releaseChordKey)
      else localStorage.setItem(releaseChordKey, chord)
    } catch {
      // Storage can be off (private windows); the choice then lasts until reload.
    }
    set({ releaseChord: chord })
  },
}))
