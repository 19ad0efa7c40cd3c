import { create } from 'zustand'
import { api } from '../api/client'
import type { ConnectionStatus } from '../api/transport'

/** Whether the renderer reaches Vireo; the shell shows a banner while it does not. */
export const useConnection = create<{ status: ConnectionStatus }>(() => ({
  status: api.connection,
}))

api.onConnection((status) => useConnection.setState({ status }))
