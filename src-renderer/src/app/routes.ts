/** The screens, addressed by the location hash (`#/vm/<id>/console`): no router needed. */
export type Route =
  | { name: 'list' }
  | { name: 'new' }
  | { name: 'details'; id: string }
  | { name: 'console'; id: string }

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode)
  const [first, id, sub] = parts
  if (first === 'new' && parts.length === 1) return { name: 'new' }
  if (first === 'vm' && id !== undefined && id !== '') {
    if (sub === 'console' && parts.length === 3) return { name: 'console', id }
    if (parts.length === 2) return { name: 'details', id }
  }
  return { name: 'list' }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'list':
      return '#/'
    case 'new':
      return '#/new'
    case 'details':
      return `#/vm/${encodeURIComponent(route.id)}`
    case 'console':
      return `#/vm/${encodeURIComponent(route.id)}/console`
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
