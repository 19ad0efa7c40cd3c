import { describe, expect, it } from 'vitest'
import type { ConnectionInfo } from '../types'
import type { Backend } from './backend'
import { actualBackend, deferredBackend } from './deferred-backend'

const placeholder: ConnectionInfo = { id: 'qemu:///x', kind: 'libvirt', uri: 'qemu:///x', label: 'qemu:///x', state: 'disconnected', error: null }

/** A backend that answers listVms and records what it was asked; the rest is never called here. */
function recording(log: string[]): Backend {
  return {
    info: () => ({ ...placeholder, state: 'connected' }),
    dispose: () => void log.push('dispose'),
    listVms: async function (this: unknown) {
      log.push(this === undefined ? 'listVms unbound' : 'listVms')
      return []
    },
  } as unknown as Backend
}

describe('deferredBackend', () => {
  it('loads on the first call, once, and forwards calls to what it loaded', async () => {
    const log: string[] = []
    let loads = 0
    const backend = deferredBackend(placeholder, async () => {
      loads++
      return recording(log)
    })
    expect(loads).toBe(0)
    expect(backend.info()).toEqual(placeholder)
    await Promise.all([backend.listVms(), backend.listVms()])
    expect(loads).toBe(1)
    expect(log).toEqual(['listVms', 'listVms'])
    expect(backend.info().state).toBe('connected')
  })

  it('is not taken for a promise (awaiting it gives the backend itself)', async () => {
    const backend = deferredBackend(placeholder, async () => recording([]))
    expect(await Promise.resolve(backend)).toBe(backend)
  })

  it('disposes what loads after it was disposed', async () => {
    const log: string[] = []
    const backend = deferredBackend(placeholder, async () => recording(log))
    const pending = backend.listVms()
    backend.dispose()
    await pending
    // Disposed as soon as it is there; the call asked before still runs, as it would have on a
    // backend loaded already (dispose lets go of what a backend holds, not of calls under way).
    expect(log).toEqual(['dispose', 'listVms'])
  })

  it('passes a failed load to the caller, and says nothing was loaded', async () => {
    const backend = deferredBackend(placeholder, async () => {
      throw new Error('no module')
    })
    await expect(backend.listVms()).rejects.toThrow('no module')
    expect(backend.info()).toEqual(placeholder)
  })
})

describe('actualBackend', () => {
  it('gives the backend behind a deferred one, loading it, and any other backend as it is', async () => {
    const inner = recording([])
    const deferred = deferredBackend(placeholder, async () => inner)
    expect(await actualBackend(deferred)).toBe(inner)
    expect(await actualBackend(inner)).toBe(inner)
  })
})
