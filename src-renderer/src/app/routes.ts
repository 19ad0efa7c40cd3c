import { LOCAL } from '../api/vm-ref'

/**
 * The screens, addressed by the location hash: no router needed. A VM of the local connection
 * is `#/vm/<id>` (`/console` for its screen); one of another connection `#/c/<connection>/vm/<id>`.
 */
export type Route =
  | { name: 'list' }
  | { name: 'new' }
  | { name: 'details'; connection: string; id: string }
  | { name: 'console'; connection: string; id: string }

export function parseHash(hash: string): Route {
  let parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode)
  let connection = LOCAL
  if (parts[0] === 'c') {
    if (parts[1] === undefined || parts[2] !== 'vm') return { name: 'list' }
    connection = parts[1]
    parts = parts.slice(2)
  }
  const [first, id, sub] = parts
  if (first === 'new' && parts.length === 1) return { name: 'new' }
  if (first === 'vm' && id !== undefined && id !== '') {
    if (sub === 'console' && parts.length === 3) return { name: 'console', connection, id }
    if (parts.length === 2) return { name: 'details', connection, id }
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
      return vmPrefix(route)
    case 'console':
      return `${vmPrefix(route)}/console`
  }
}

function vmPrefix(ref: { connection: string; id: string }): string {
  const on = ref.connection === LOCAL ? '' : `/c/${encodeURIComponent(ref.connection)}`
  return `#${on}/vm/${encodeURIComponent(ref.id)}`
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
