import { create } from 'zustand'
import { api } from '../../api/client'
import { toErrorInfo } from '../../api/api-error'
import type { ErrorInfo, HostReport } from '../../api/types'

interface HostState {
  report: HostReport | null
  error: ErrorInfo | null
  loading: boolean
  load(refresh?: boolean): Promise<void>
}

/** The host report (`hostCheck`): accelerator, QEMU, memory, CPUs, free disk, what to fix. */
export const useHost = create<HostState>((set) => ({
  report: null,
  error: null,
  loading: false,
  async load(refresh = false) {
    set({ loading: true })
    try {
      const report = await api.call('hostCheck', { refresh })
      set({ report, error: null, loading: false })
    } catch (error) {
      set({ error: toErrorInfo(error), loading: false })
    }
  },
}))
