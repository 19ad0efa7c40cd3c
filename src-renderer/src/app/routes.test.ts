import { describe, expect, it } from 'vitest'
import { parseHash, routeHash, type Route } from './routes'

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'list' },
    { name: 'new' },
    { name: 'details', id: 'abc12345' },
    { name: 'console', id: 'abc12345' },
  ]

  it.each(routes)('round-trips %o', (route) => {
    expect(parseHash(routeHash(route))).toEqual(route)
  })

  it('sends anything unknown to the list', () => {
    expect(parseHash('')).toEqual({ name: 'list' })
    expect(parseHash('#/nowhere')).toEqual({ name: 'list' })
    expect(parseHash('#/vm/abc/console/extra')).toEqual({ name: 'list' })
    expect(parseHash('#/vm/%E0%A4%A')).toEqual({ name: 'details', id: '%E0%A4%A' })
  })
})
