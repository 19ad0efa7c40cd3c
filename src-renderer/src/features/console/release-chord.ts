import { XK, type Stroke } from './keys'

/**
 * The keys that take the keyboard back from the guest (virt-manager's and Boxes's "grab
 * keys"): pressed together and released, with no other key in between. While the console
 * holds the keyboard every other key goes to the guest, Tab and Escape included.
 */
export const releaseChords = ['ctrl-alt', 'ctrl-shift', 'ctrl-alt-shift', 'right-ctrl'] as const
export type ReleaseChord = (typeof releaseChords)[number]
export const defaultReleaseChord: ReleaseChord = 'ctrl-alt'

export function isReleaseChord(value: unknown): value is ReleaseChord {
  return typeof value === 'string' && (releaseChords as readonly string[]).includes(value)
}

/** One key of a chord: any of these physical keys (KeyboardEvent.code) will do. */
type ChordKey = readonly string[]

const ctrl: ChordKey = ['ControlLeft', 'ControlRight']
const alt: ChordKey = ['AltLeft', 'AltRight']
const shiftKey: ChordKey = ['ShiftLeft', 'ShiftRight']

const chordKeys: Record<ReleaseChord, readonly ChordKey[]> = {
  'ctrl-alt': [ctrl, alt],
  'ctrl-shift': [ctrl, shiftKey],
  'ctrl-alt-shift': [ctrl, alt, shiftKey],
  'right-ctrl': [['ControlRight']],
}

/** The keysyms of the modifiers, for releasing them in the guest by hand. */
const keysyms: Record<string, number> = {
  ControlLeft: XK.Control_L,
  ControlRight: 0xffe4,
  AltLeft: XK.Alt_L,
  AltRight: 0xffea,
  ShiftLeft: XK.Shift_L,
  ShiftRight: 0xffe2,
}

/**
 * Follows the keys pressed on the guest's screen and says when the chord was pressed and
 * released alone. Pure: fed KeyboardEvent.code values, it never touches an event.
 */
export class ChordWatcher {
  private readonly held = new Set<string>()
  /** Since the last moment no key was held, only the chord's keys went down. */
  private clean = true
  /** All of the chord's keys were held together (while clean). */
  private armed = false

  constructor(private readonly chord: ReleaseChord) {}

  down(code: string): void {
    if (this.held.size === 0) {
      this.clean = true
      this.armed = false
    }
    this.held.add(code)
    const keys = chordKeys[this.chord]
    if (!keys.some((key) => key.includes(code))) this.clean = false
    if (this.clean && keys.every((key) => key.some((c) => this.held.has(c)))) this.armed = true
  }

  /** A key went up: true when that completes the chord (the keyboard is to be released). */
  up(code: string): boolean {
    this.held.delete(code)
    const release = this.clean && this.armed
    if (release) {
      // The chord's other keys come up later (off the screen): they start nothing.
      this.clean = false
      this.armed = false
    }
    return release
  }

  /** The keys still held (the guest saw them go down and would otherwise keep them down). */
  stillHeld(): Stroke[] {
    return [...this.held].map((code) => ({ keysym: keysyms[code] ?? 0, code }))
  }

  /** Focus left the screen: what was held there is forgotten. */
  reset(): void {
    this.held.clear()
    this.clean = true
    this.armed = false
  }
}
