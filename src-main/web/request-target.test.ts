import { describe, expect, it } from 'vitest'
import { parseRequestTarget, withoutToken } from './request-target'

describe('parseRequestTarget', () => {
  it('reads a path and query as sent, and the path decoded', () => {
    expect(parseRequestTarget('/console/ab%20c?token=x%2By&a=1')).toMatchObject({
      path: '/console/ab%20c',
      decodedPath: '/console/ab c',
      search: 'token=x%2By&a=1',
    })
    expect(parseRequestTarget('/?token=x%2By')?.query.get('token')).toBe('x+y')
  })

  it('keeps targets that `new URL(target, base)` took for another host, or threw on, as paths', () => {
    expect(parseRequestTarget('//')?.path).toBe('//')
    expect(parseRequestTarget('//evil.example/x')?.path).toBe('//evil.example/x')
    expect(parseRequestTarget('/\\evil.example')?.path).toBe('//evil.example')
  })

  it('refuses what is not an origin-form target, and broken percent-encoding', () => {
    for (const raw of [
      undefined,
      '',
      '*',
      'index.html',
      'http://127.0.0.1/',
      '/%E0%A4%A',
      '/%',
      '/a%zz',
    ]) {
      expect(parseRequestTarget(raw), String(raw)).toBeNull()
    }
  })
})

describe('withoutToken', () => {
  const strip = (raw: string): string => {
    const target = parseRequestTarget(raw)
    if (target === null) throw new Error(raw)
    return withoutToken(target)
  }

  it('takes every token parameter out and keeps the others exactly as sent', () => {
    expect(strip('/?token=abc')).toBe('/')
    expect(strip('/index.html?a=1&token=abc&b=%20x&token=again')).toBe('/index.html?a=1&b=%20x')
    expect(strip('/?%74oken=abc&c')).toBe('/?c')
    expect(strip('/?tokens=1&token')).toBe('/?tokens=1')
  })

  it('never gives a protocol-relative address', () => {
    expect(strip('//evil.example/?token=abc')).toBe('/evil.example/')
    expect(strip('/\\evil.example?token=abc')).toBe('/evil.example')
  })
})
