import { describe, expect, it } from 'vitest'
import { hostHeaderCheck, singleHost } from './host-header'

const allowed = (bound: string, headers: (string | undefined)[]): (string | undefined)[] => {
  const check = hostHeaderCheck(bound, 8765)
  return headers.filter((h) => check(h))
}

const candidates = [
  '127.0.0.1:8765',
  'localhost:8765',
  'LOCALHOST:8765',
  '[::1]:8765',
  '127.0.0.2:8765',
  '192.168.1.5:8765',
  '[fe80::1]:8765',
  'vireo.example:8765',
  'evil.example:8765',
  '127.0.0.1:8766',
  '127.0.0.1',
  '127.0.0.1:8765@evil.example',
  '127.0.0.1:8765:1',
  '',
  undefined,
]

describe('hostHeaderCheck (DNS rebinding)', () => {
  it('bound to 127.0.0.1: that address and localhost, with the port', () => {
    expect(allowed('127.0.0.1', candidates)).toEqual([
      '127.0.0.1:8765',
      'localhost:8765',
      'LOCALHOST:8765',
    ])
  })

  it('bound to ::1: [::1] and localhost', () => {
    expect(allowed('::1', candidates)).toEqual(['localhost:8765', 'LOCALHOST:8765', '[::1]:8765'])
  })

  it('bound to localhost: localhost, 127.0.0.1 and [::1]', () => {
    expect(allowed('localhost', candidates)).toEqual([
      '127.0.0.1:8765',
      'localhost:8765',
      'LOCALHOST:8765',
      '[::1]:8765',
    ])
  })

  it('bound with --host to another address or name: exactly that', () => {
    expect(allowed('192.168.1.5', candidates)).toEqual(['192.168.1.5:8765'])
    expect(allowed('vireo.example', candidates)).toEqual(['vireo.example:8765'])
    expect(allowed('fe80::1', candidates)).toEqual(['[fe80::1]:8765'])
  })

  it('bound to every address: localhost and address literals, never a name', () => {
    const literals = [
      '127.0.0.1:8765',
      'localhost:8765',
      'LOCALHOST:8765',
      '[::1]:8765',
      '127.0.0.2:8765',
      '192.168.1.5:8765',
      '[fe80::1]:8765',
    ]
    expect(allowed('0.0.0.0', candidates)).toEqual(literals)
    expect(allowed('::', candidates)).toEqual(literals)
  })

  it('on port 80, a Host without a port means port 80', () => {
    const check = hostHeaderCheck('127.0.0.1', 80)
    expect([check('127.0.0.1'), check('127.0.0.1:80'), check('evil.example')]).toEqual([
      true,
      true,
      false,
    ])
  })
})

describe('singleHost', () => {
  it('is the one Host header; none when there is none or several', () => {
    expect(singleHost(['Host', 'a:1', 'Cookie', 'x'])).toBe('a:1')
    expect(singleHost(['host', 'a:1'])).toBe('a:1')
    expect(singleHost(['Cookie', 'x'])).toBeUndefined()
    expect(singleHost(['Host', 'a:1', 'HOST', 'evil.example'])).toBeUndefined()
  })
})
