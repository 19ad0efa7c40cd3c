import { create } from 'zustand'
import { api } from '../../api/client'
import { toErrorInfo } from '../../api/api-error'
import type { ConnectionInfo, ErrorInfo } from '../../api/types'
import { useVms } from '../vm-list/vms-store'

interface ConnectionsState {
  /** Every connection, `local` first, as listConnections and connectionChanged told. */
  connections: ConnectionInfo[]
  /** Why the last add or remove failed. */
  error: ErrorInfo | null
  busy: boolean
  load(): Promise<void>
  add(uri: string): Promise<boolean>
  remove(uri: string): Promise<void>
}

/** The connections VMs come from (Vireo's own, then each libvirt URI), with their state. */
export const useConnections = create<ConnectionsState>((set) => ({
  connections: [],
  error: null,
  busy: false,
  async load() {
    try {
      set({ connections: await api.call('listConnections', {}) })
    } catch {
      // the VM list says why the server cannot be reached
    }
  },
  async add(uri) {
    set({ busy: true, error: null })
    try {
      await api.call('addConnection', { uri })
      set({ connections: await api.call('listConnections', {}), busy: false })
      void useVms.getState().load()
      return true
    } catch (error) {
      set({ error: toErrorInfo(error), busy: false })
      return false
    }
  },
  async remove(uri) {
    set({ busy: true, error: null })
    try {
      set({ connections: await api.call('removeConnection', { uri }), busy: false })
      void useVms.getState().load()
    } catch (error) {
      set({ error: toErrorInfo(error), busy: false })
    }
  },
}))

/** Follows connectionChanged; a connection that comes up has its VMs listed again. */
export function followConnectionEvents(): () => void {
  return api.subscribe('connectionChanged', (info) => {
    const before = useConnections.getState().connections.find((c) => c.id === info.id)
    useConnections.setState((s) => ({
      connections: s.connections.some((c) => c.id === info.id)
        ? s.connections.map((c) => (c.id === info.id ? info : c))
        : [...s.connections, info],
    }))
    if (info.state === 'connected' && before?.state !== 'connected') void useVms.getState().load()
  })
}
