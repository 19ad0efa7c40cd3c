import type { ConnectionInfo } from '../types'
import type { Backend } from './backend'

/**
 * A backend whose code is loaded when it is first asked something: `Vireo` opens libvirt
 * connections this way, so that a process that never meets one (most `vireo` commands, issue
 * 20) does not load the libvirt backend, its XML parser and the builtins they use. Every method
 * but `info` and `dispose` is asynchronous already; each waits for the load, then forwards.
 * Until then `info` answers `placeholder` (the connection, connecting).
 */
/** What a deferred backend answers its loader under (see actualBackend). */
const LOADER = Symbol('deferred backend loader')

/**
 * The backend itself behind a deferred one, loaded if need be (a backend given another as an
 * argument, as migration is, may need to know its kind); any other backend as it is.
 */
export async function actualBackend(backend: Backend): Promise<Backend> {
  const load = (backend as unknown as Record<symbol, (() => Promise<Backend>) | undefined>)[LOADER]
  return load === undefined ? backend : load()
}

export function deferredBackend(placeholder: ConnectionInfo, load: () => Promise<Backend>): Backend {
  let loaded: Backend | undefined
  let disposed = false
  let loading: Promise<Backend> | undefined
  const backend = (): Promise<Backend> =>
    (loading ??= load().then((b) => {
      loaded = b
      // Disposed while it loaded: it lets go at once of whatever it started.
      if (disposed) b.dispose()
      return b
    }))
  const forwarded = new Proxy({} as Backend, {
    get(_target, property: string | symbol) {
      if (property === LOADER) return backend
      const method = property as keyof Backend
      if (method === 'info') return () => loaded?.info() ?? placeholder
      if (method === 'dispose')
        return () => {
          disposed = true
          loaded?.dispose()
        }
      // `then`: so that the proxy is never mistaken for a promise when awaited.
      if ((method as string) === 'then') return undefined
      return async (...args: unknown[]) => {
        const b = await backend()
        return (b[method] as (...a: unknown[]) => Promise<unknown>).apply(b, args)
      }
    },
  })
  return forwarded
}
