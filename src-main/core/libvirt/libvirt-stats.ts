import type { VirshCall } from './libvirt-pool'

/**
 * CPU and memory of a libvirt connection's running domains, from `virsh domstats --cpu-total
 * --balloon --vcpu --list-running`, sampled every two seconds while someone listens to
 * `vmStats` (as Vireo's own VMs are): CPU as a share of the domain's vCPUs since the last sample,
 * memory as what the guest's QEMU holds (balloon.rss), else its current balloon.
 */
export interface DomainSample {
  name: string
  cpuTimeNs: number
  vcpus: number
  memoryBytes: number
}

/** One sample a domain, by name. */
export function parseCpuStats(stdout: string): DomainSample[] {
  const out: DomainSample[] = []
  let current: DomainSample | null = null
  let rssKiB: number | null = null
  let balloonKiB = 0
  const finish = () => {
    if (current !== null) out.push({ ...current, memoryBytes: (rssKiB ?? balloonKiB) * 1024 })
  }
  for (const line of stdout.split('\n')) {
    const head = /^Domain: '(.*)'\s*$/.exec(line)
    if (head?.[1] !== undefined) {
      finish()
      current = { name: head[1], cpuTimeNs: 0, vcpus: 1, memoryBytes: 0 }
      rssKiB = null
      balloonKiB = 0
      continue
    }
    const kv = /^\s+([\w.]+)=(.*)$/.exec(line)
    if (current === null || kv?.[1] === undefined || kv[2] === undefined) continue
    const value = Number(kv[2])
    if (kv[1] === 'cpu.time') current.cpuTimeNs = value
    else if (kv[1] === 'vcpu.current') current.vcpus = Math.max(1, value)
    else if (kv[1] === 'balloon.rss') rssKiB = value
    else if (kv[1] === 'balloon.current') balloonKiB = value
  }
  finish()
  return out
}

/** CPU percent (0–100 of the domain's vCPUs) between two samples `elapsedNs` apart. */
export function cpuPercent(before: DomainSample, now: DomainSample, elapsedNs: number): number {
  if (elapsedNs <= 0) return 0
  const share = (now.cpuTimeNs - before.cpuTimeNs) / elapsedNs / now.vcpus
  return Math.round(Math.min(100, Math.max(0, share * 100)) * 10) / 10
}

export interface StatsSamplerOptions {
  call: VirshCall
  wanted: () => boolean
  emit: (name: string, cpuPercent: number, memoryBytes: number) => void
  intervalMs?: number
}

/** Starts sampling; returns how to stop. A failed sample (libvirt gone meanwhile) is skipped. */
export function startStatsSampler(options: StatsSamplerOptions): () => void {
  let last = new Map<string, { sample: DomainSample; at: bigint }>()
  let busy = false
  const tick = async () => {
    if (busy || !options.wanted()) return
    busy = true
    try {
      const at = process.hrtime.bigint()
      const samples = parseCpuStats(await options.call(['domstats', '--cpu-total', '--balloon', '--vcpu', '--list-running']))
      const next = new Map<string, { sample: DomainSample; at: bigint }>()
      for (const sample of samples) {
        const before = last.get(sample.name)
        next.set(sample.name, { sample, at })
        if (before !== undefined) options.emit(sample.name, cpuPercent(before.sample, sample, Number(at - before.at)), sample.memoryBytes)
      }
      last = next
    } catch {
      // the link is down or a domain went away: the next tick tries again
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => void tick(), options.intervalMs ?? 2000)
  timer.unref()
  return () => clearInterval(timer)
}
