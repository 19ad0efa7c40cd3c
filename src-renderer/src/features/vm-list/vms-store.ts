import { create } from 'zustand'
import { api } from '../../api/client'
import { toErrorInfo } from '../../api/api-error'
import type { ErrorInfo, VmRef, VmStats, VmSummary } from '../../api/types'
import { vmKey } from '../../api/vm-ref'

/** What the list tells about something just done elsewhere. */
export type ListNotice =
  /** Where the disks of a VM deleted without them went. */
  | { kind: 'keptDisks'; name: string; paths: string[] }
  /** A VM made by the wizard that then failed to start: why, and what to do. */
  | { kind: 'notStarted'; error: ErrorInfo }

interface VmsState {
  /** Every VM by its key (connection and id, `vmKey`), as the last `listVms` or `vmChanged` told. */
  vms: Record<string, VmSummary>
  /** The latest `vmStats` of each running VM, by its key. */
  stats: Record<string, VmStats>
  loaded: boolean
  error: ErrorInfo | null
  /** A word for the list, until dismissed. */
  notice: ListNotice | null
  load(): Promise<void>
  upsert(vm: VmSummary): void
  remove(ref: VmRef): void
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
      for (const vm of list) vms[vmKey(vm)] = vm
      set((s) => ({
        vms,
        stats: keep(s.stats, (key) => vms[key] !== undefined),
        loaded: true,
        error: null,
      }))
    } catch (error) {
      set({ error: toErrorInfo(error), loaded: true })
    }
  },
  upsert(vm) {
    set((s) => ({
      vms: { ...s.vms, [vmKey(vm)]: vm },
      stats: isOn(vm.state) ? s.stats : keep(s.stats, (key) => key !== vmKey(vm)),
    }))
  },
  remove(ref) {
    const gone = vmKey(ref)
    set((s) => ({
      vms: keep(s.vms, (key) => key !== gone),
      stats: keep(s.stats, (key) => key !== gone),
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
    api.subscribe('vmRemoved', (ref) => useVms.getState().remove(ref)),
    api.subscribe('vmStats', (stats) => {
      const key = vmKey(stats)
      if (useVms.getState().vms[key] === undefined) return
      useVms.setState((s) => ({ stats: { ...s.stats, [key]: stats } }))
    }),
  ]
  return () => offs.forEach((off) => off())
}

export function sortByName(vms: Record<string, VmSummary>, language: string): VmSummary[] {
  const collator = new Intl.Collator(language, { numeric: true, sensitivity: 'base' })
  return Object.values(vms).sort(
    (a, b) => collator.compare(a.name, b.name) || a.connection.localeCompare(b.connection) || a.id.localeCompare(b.id),
  )
}
