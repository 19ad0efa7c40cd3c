import { describe, expect, it } from 'vitest'
import { parseHash, routeHash, type Route } from './routes'

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'list' },
    { name: 'new' },
    { name: 'details', connection: 'local', id: 'abc12345' },
    { name: 'console', connection: 'local', id: 'abc12345' },
    { name: 'details', connection: 'qemu+ssh://me@host/system', id: 'abc12345' },
    { name: 'console', connection: 'second', id: 'abc12345' },
  ]

  it.each(routes)('round-trips %o', (route) => {
    expect(parseHash(routeHash(route))).toEqual(route)
  })

  it('sends anything unknown to the list', () => {
    expect(parseHash('')).toEqual({ name: 'list' })
    expect(parseHash('#/nowhere')).toEqual({ name: 'list' })
    expect(parseHash('#/vm/abc/console/extra')).toEqual({ name: 'list' })
    expect(parseHash('#/vm/%E0%A4%A')).toEqual({ name: 'details', connection: 'local', id: '%E0%A4%A' })
    expect(parseHash('#/c/second')).toEqual({ name: 'list' })
    expect(parseHash('#/c/second/new')).toEqual({ name: 'list' })
  })

  it('names a VM of the local connection as before, and one of another connection by it', () => {
    expect(routeHash({ name: 'details', connection: 'local', id: 'abc12345' })).toBe('#/vm/abc12345')
    expect(routeHash({ name: 'console', connection: 'second', id: 'abc12345' })).toBe('#/c/second/vm/abc12345/console')
    expect(parseHash('#/c/qemu%3A%2F%2F%2Fsystem/vm/abc12345')).toEqual({ name: 'details', connection: 'qemu:///system', id: 'abc12345' })
  })
})
