import { create } from 'zustand'
import { parseHash, routeHash, type Route } from './routes'

export const useRoute = create<{ route: Route }>(() => ({ route: parseHash(location.hash) }))

window.addEventListener('hashchange', () => {
  useRoute.setState({ route: parseHash(location.hash) })
})

/** Goes to a screen; the page's query (`?token=`) is kept. */
export function navigate(route: Route): void {
  const hash = routeHash(route)
  if (location.hash === hash) return
  location.hash = hash
}
