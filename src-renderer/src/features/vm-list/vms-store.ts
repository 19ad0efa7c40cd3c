import { create } from 'zustand'
import { api } from '../../api/client'
import { toErrorInfo } from '../../api/api-error'
import type { ErrorInfo, VmStats, VmSummary } from '../../api/types'

/** What the list tells about something just done elsewhere. */
export type ListNotice =
  /** Where the disks of a VM deleted without them went. */
  | { kind: 'keptDisks'; name: string; paths: string[] }
  /** A VM made by the wizard that then failed to start: why, and what to do. */
  | { kind: 'notStarted'; error: ErrorInfo }

interface VmsState {
  /** Every VM by id, as the last `listVms` or `vmChanged` told. */
  vms: Record<string, VmSummary>
  /** The latest `vmStats` of each running VM. */
  stats: Record<string, VmStats>
  loaded: boolean
  error: ErrorInfo | null
  /** A word for the list, until dismissed. */
  notice: ListNotice | null
  load(): Promise<void>
  upsert(vm: VmSummary): void
  remove(id: string): void
}

const runningStates: ReadonlySet<VmSummary['state']> = new Set([
  'starting',
  'running',
  'paused',
  'shutting-down',
])

export function isOn(state: VmSummary['state']): boolean {
  return runningStates.has(state)
}

/**
 * The VM list. Loaded once (and again after a reconnection); from then on each VM is
 * updated by the `vmChanged` / `vmRemoved` / `vmStats` events, never by polling the list.
 */
export const useVms = create<VmsState>((set) => ({
  vms: {},
  stats: {},
  loaded: false,
  error: null,
  notice: null,
  async load() {
    try {
      const list = await api.call('listVms', {})
      const vms: Record<string, VmSummary> = {}
      for (const vm of list) vms[vm.id] = vm
      set((s) => ({
        vms,
        stats: keep(s.stats, (id) => vms[id] !== undefined),
        loaded: true,
        error: null,
      }))
    } catch (error) {
      set({ error: toErrorInfo(error), loaded: true })
    }
  },
  upsert(vm) {
    set((s) => ({
      vms: { ...s.vms, [vm.id]: vm },
      stats: isOn(vm.state) ? s.stats : keep(s.stats, (id) => id !== vm.id),
    }))
  },
  remove(id) {
    set((s) => ({
      vms: keep(s.vms, (key) => key !== id),
      stats: keep(s.stats, (key) => key !== id),
    }))
  },
}))

function keep<T>(record: Record<string, T>, predicate: (id: string) => boolean): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([id]) => predicate(id)))
}

/** Follows the server's events; returns the unsubscribe. */
export function followVmEvents(): () => void {
  const offs = [
    api.subscribe('vmChanged', (vm) => useVms.getState().upsert(vm)),
    api.subscribe('vmRemoved', ({ id }) => useVms.getState().remove(id)),
    api.subscribe('vmStats', (stats) => {
      if (useVms.getState().vms[stats.id] === undefined) return
      useVms.setState((s) => ({ stats: { ...s.stats, [stats.id]: stats } }))
    }),
  ]
  return () => offs.forEach((off) => off())
}

export function sortByName(vms: Record<string, VmSummary>, language: string): VmSummary[] {
  const collator = new Intl.Collator(language, { numeric: true, sensitivity: 'base' })
  return Object.values(vms).sort(
    (a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id),
  )
}
