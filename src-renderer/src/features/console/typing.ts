import { shift, XK, type KeySender, type Stroke } from './keys'

/**
 * Text typed into the guest key by key, as on a US keyboard: each character becomes the
 * physical key (and Shift) that makes it, since QEMU passes scancodes to the guest. A
 * character with no key there is sent as its keysym alone, for the guest to map if it can.
 */
export interface CharKeys {
  stroke: Stroke
  shift: boolean
}

/** The US layout's punctuation row by row; `shifted` lines up key for key with `unshifted`. */
const unshifted = "`1234567890-=[]\\;',./"
const shifted = '~!@#$%^&*()_+{}|:"<>?'
const punctuationCodes = [
  'Backquote',
  'Digit1',
  'Digit2',
  'Digit3',
  'Digit4',
  'Digit5',
  'Digit6',
  'Digit7',
  'Digit8',
  'Digit9',
  'Digit0',
  'Minus',
  'Equal',
  'BracketLeft',
  'BracketRight',
  'Backslash',
  'Semicolon',
  'Quote',
  'Comma',
  'Period',
  'Slash',
]

export function keysFor(char: string): CharKeys {
  const cp = char.codePointAt(0) ?? 0
  if (char === '\n' || char === '\r')
    return { stroke: { keysym: XK.Return, code: 'Enter' }, shift: false }
  if (char === '\t') return { stroke: { keysym: XK.Tab, code: 'Tab' }, shift: false }
  if (char === ' ') return { stroke: { keysym: 0x20, code: 'Space' }, shift: false }
  if (/^[a-z]$/.test(char))
    return { stroke: { keysym: cp, code: `Key${char.toUpperCase()}` }, shift: false }
  if (/^[A-Z]$/.test(char)) return { stroke: { keysym: cp, code: `Key${char}` }, shift: true }
  const plain = unshifted.indexOf(char)
  if (plain >= 0)
    return { stroke: { keysym: cp, code: punctuationCodes[plain] ?? null }, shift: false }
  const withShift = shifted.indexOf(char)
  if (withShift >= 0) {
    return { stroke: { keysym: cp, code: punctuationCodes[withShift] ?? null }, shift: true }
  }
  const keysym = cp <= 0xff ? cp : 0x01000000 + cp
  return { stroke: { keysym, code: null }, shift: false }
}

export function typeChar(sender: KeySender, char: string): void {
  const { stroke, shift: needsShift } = keysFor(char)
  if (needsShift) sender.sendKey(shift.keysym, shift.code, true)
  sender.sendKey(stroke.keysym, stroke.code, true)
  sender.sendKey(stroke.keysym, stroke.code, false)
  if (needsShift) sender.sendKey(shift.keysym, shift.code, false)
}

/**
 * Types the text with a short pause between keys, so the guest's keyboard buffer keeps up.
 * Stops early when the signal aborts.
 */
export async function typeText(
  sender: KeySender,
  text: string,
  options: { delayMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const delay = options.delayMs ?? 12
  const chars = Array.from(text.replace(/\r\n/g, '\n'))
  for (const char of chars) {
    if (options.signal?.aborted === true) return
    typeChar(sender, char)
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}
