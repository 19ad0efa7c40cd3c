import { describe, expect, it } from 'vitest'
import { ChordWatcher, isReleaseChord, type ReleaseChord } from './release-chord'

/** Plays `keys` ('+Code' down, '-Code' up) and says which key-ups released the keyboard. */
function play(chord: ReleaseChord, keys: string[], watcher = new ChordWatcher(chord)): string[] {
  const released: string[] = []
  for (const key of keys) {
    const code = key.slice(1)
    if (key.startsWith('+')) watcher.down(code)
    else if (watcher.up(code)) released.push(code)
  }
  return released
}

describe('ChordWatcher', () => {
  it('releases when Ctrl+Alt is pressed and let go alone, at the first key up', () => {
    expect(play('ctrl-alt', ['+ControlLeft', '+AltLeft', '-AltLeft', '-ControlLeft'])).toEqual([
      'AltLeft',
    ])
    expect(play('ctrl-alt', ['+AltRight', '+ControlRight', '-ControlRight', '-AltRight'])).toEqual([
      'ControlRight',
    ])
  })

  it('does not release on a combination the guest is meant to get (Ctrl+Alt+Del, Ctrl+Alt+F2)', () => {
    const del = ['+ControlLeft', '+AltLeft', '+Delete', '-Delete', '-AltLeft', '-ControlLeft']
    expect(play('ctrl-alt', del)).toEqual([])
    const f2 = ['+ControlLeft', '+AltLeft', '+F2', '-AltLeft', '-F2', '-ControlLeft']
    expect(play('ctrl-alt', f2)).toEqual([])
  })

  it('does not release on Ctrl or Alt alone, or on Tab and Escape', () => {
    expect(play('ctrl-alt', ['+ControlLeft', '-ControlLeft', '+AltLeft', '-AltLeft'])).toEqual([])
    expect(play('ctrl-alt', ['+Tab', '-Tab', '+Escape', '-Escape'])).toEqual([])
  })

  it('does not release when another key was held as the chord began', () => {
    const keys = ['+KeyA', '+ControlLeft', '+AltLeft', '-KeyA', '-AltLeft', '-ControlLeft']
    expect(play('ctrl-alt', keys)).toEqual([])
  })

  it('works again once every key is up after another combination', () => {
    const watcher = new ChordWatcher('ctrl-alt')
    play('ctrl-alt', ['+ControlLeft', '+KeyC', '-KeyC', '-ControlLeft'], watcher)
    expect(play('ctrl-alt', ['+ControlLeft', '+AltLeft', '-ControlLeft'], watcher)).toEqual([
      'ControlLeft',
    ])
  })

  it('says which of the chord’s keys are still down in the guest when it releases', () => {
    const watcher = new ChordWatcher('ctrl-alt-shift')
    play('ctrl-alt-shift', ['+ControlLeft', '+ShiftLeft', '+AltLeft', '-ShiftLeft'], watcher)
    expect(watcher.stillHeld()).toEqual([
      { keysym: 0xffe3, code: 'ControlLeft' },
      { keysym: 0xffe9, code: 'AltLeft' },
    ])
    // Their own key-ups, when they come, release nothing more.
    expect(play('ctrl-alt-shift', ['-AltLeft', '-ControlLeft'], watcher)).toEqual([])
  })

  it('holds each chord to its own keys', () => {
    expect(play('right-ctrl', ['+ControlRight', '-ControlRight'])).toEqual(['ControlRight'])
    expect(play('right-ctrl', ['+ControlLeft', '-ControlLeft'])).toEqual([])
    expect(play('ctrl-shift', ['+ControlLeft', '+AltLeft', '-AltLeft', '-ControlLeft'])).toEqual([])
    expect(play('ctrl-shift', ['+ShiftRight', '+ControlLeft', '-ShiftRight'])).toEqual([
      'ShiftRight',
    ])
  })

  it('forgets what was held when focus leaves the screen', () => {
    const watcher = new ChordWatcher('ctrl-alt')
    play('ctrl-alt', ['+ControlLeft', '+AltLeft'], watcher)
    watcher.reset()
    expect(watcher.stillHeld()).toEqual([])
    expect(play('ctrl-alt', ['-AltLeft', '-ControlLeft'], watcher)).toEqual([])
  })
})

describe('isReleaseChord', () => {
  it('accepts the chords offered and nothing else (a stored value is checked)', () => {
    expect(isReleaseChord('ctrl-alt')).toBe(true)
    expect(isReleaseChord('right-ctrl')).toBe(true)
    expect(isReleaseChord('alt-f4')).toBe(false)
    expect(isReleaseChord(null)).toBe(false)
  })
})
