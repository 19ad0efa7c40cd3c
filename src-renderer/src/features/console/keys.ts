/** X11 keysyms for the keys Vireo sends by itself (see X11/keysymdef.h). */
export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Print: 0xff61,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Delete: 0xffff,
  F1: 0xffbe,
} as const

/** One key: its keysym and its physical code (a KeyboardEvent.code, for QEMU's scancodes). */
export interface Stroke {
  keysym: number
  code: string | null
}

export interface KeySender {
  sendKey(keysym: number, code: string | null, down?: boolean): void
}

const ctrl: Stroke = { keysym: XK.Control_L, code: 'ControlLeft' }
const alt: Stroke = { keysym: XK.Alt_L, code: 'AltLeft' }
export const shift: Stroke = { keysym: XK.Shift_L, code: 'ShiftLeft' }

export function functionKey(n: number): Stroke {
  return { keysym: XK.F1 + n - 1, code: `F${n}` }
}

/** A key combination: held in order, released in reverse. */
export function pressCombo(sender: KeySender, strokes: readonly Stroke[]): void {
  for (const s of strokes) sender.sendKey(s.keysym, s.code, true)
  for (const s of [...strokes].reverse()) sender.sendKey(s.keysym, s.code, false)
}

/** The combos of the Send key menu (Ctrl+Alt+Del has its own noVNC call). */
export const combos: { id: string; label: string; strokes: Stroke[] }[] = [
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({
    id: `ctrl-alt-f${n}`,
    label: `Ctrl+Alt+F${n}`,
    strokes: [ctrl, alt, functionKey(n)],
  })),
  { id: 'print', label: 'Print Screen', strokes: [{ keysym: XK.Print, code: 'PrintScreen' }] },
]
