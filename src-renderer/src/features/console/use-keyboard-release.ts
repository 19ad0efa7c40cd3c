import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { KeySender } from './keys'
import { ChordWatcher, type ReleaseChord } from './release-chord'

interface KeyboardReleaseOptions {
  /** The box noVNC draws into (its canvas takes the keyboard when focused). */
  screenRef: RefObject<HTMLElement | null>
  /** Where keys go in the guest (noVNC's client), null while not connected. */
  sender: KeySender | null
  chord: ReleaseChord
  /** Moves focus out of the screen (to the console's controls). */
  onRelease: () => void
}

/**
 * Whether the guest's screen holds the keyboard, and the release chord that takes it back.
 * The chord's keys are watched in the capture phase, before noVNC sees them, but never
 * stopped: the guest gets every key, the chord's own included. When the chord is released,
 * its other keys are still down in the guest and will come up off the screen, so their
 * releases are sent to the guest by hand (no modifier stays stuck there).
 */
export function useKeyboardRelease({
  screenRef,
  sender,
  chord,
  onRelease,
}: KeyboardReleaseOptions): boolean {
  const [holds, setHolds] = useState(false)
  const latest = useRef({ sender, onRelease })
  useLayoutEffect(() => {
    latest.current = { sender, onRelease }
  })

  // Set up again for each connection: the screen's box may only have come with it (after
  // the VM's summary loaded), and keys held across a reconnection are gone from the guest.
  const connected = sender !== null
  useEffect(() => {
    const screen = screenRef.current
    if (screen === null || !connected) return
    const watcher = new ChordWatcher(chord)
    setHolds(screen.contains(document.activeElement))

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.isTrusted) watcher.down(event.code)
    }
    const onKeyUp = (event: KeyboardEvent) => {
      if (!event.isTrusted || !watcher.up(event.code)) return
      // This key's own release goes on to noVNC, and so to the guest.
      for (const key of watcher.stillHeld()) {
        latest.current.sender?.sendKey(key.keysym, key.code, false)
      }
      watcher.reset()
      latest.current.onRelease()
    }
    const onFocusIn = () => setHolds(true)
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget instanceof Node && screen.contains(event.relatedTarget)) return
      watcher.reset()
      setHolds(false)
    }

    screen.addEventListener('keydown', onKeyDown, true)
    screen.addEventListener('keyup', onKeyUp, true)
    screen.addEventListener('focusin', onFocusIn)
    screen.addEventListener('focusout', onFocusOut)
    return () => {
      screen.removeEventListener('keydown', onKeyDown, true)
      screen.removeEventListener('keyup', onKeyUp, true)
      screen.removeEventListener('focusin', onFocusIn)
      screen.removeEventListener('focusout', onFocusOut)
    }
  }, [screenRef, chord, connected])

  return holds
}
