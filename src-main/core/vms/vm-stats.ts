import type { VmStats } from '../types'
import type { Supervisor } from './supervisor'
import type { VmStore } from './vm-store'

export interface VmStatsOptions {
  store: VmStore
  supervisor: Supervisor
  /** Whether anyone listens: no sampling otherwise. */
  wanted: () => boolean
  /** A VM's figures (its connection added by the caller). */
  emit: (stats: Omit<VmStats, 'connection'>) => void
}

/**
 * Every 2 s, each running VM's CPU use (from its QEMU's ticks since the last sample) and
 * memory, while someone listens. Returns the stop.
 */
export function startStats({ store, supervisor, wanted, emit }: VmStatsOptions): () => void {
  const previous = new Map<string, { ticks: number; at: number }>()
  const timer = setInterval(() => {
    if (!wanted()) return
    void store.list().then((vms) =>
      Promise.all(
        vms.map(async (vm) => {
          const usage = await supervisor.usage(vm.id)
          if (usage === null) return previous.delete(vm.id)
          const now = Date.now()
          const last = previous.get(vm.id)
          previous.set(vm.id, { ticks: usage.cpuTicks, at: now })
          if (last === undefined) return
          const cpuPercent = ((usage.cpuTicks - last.ticks) / 100 / ((now - last.at) / 1000)) * 100
          emit({ id: vm.id, cpuPercent: Math.max(0, Math.round(cpuPercent)), memoryBytes: usage.rssBytes })
        }),
      ),
    )
  }, 2000)
  timer.unref()
  return () => clearInterval(timer)
}
