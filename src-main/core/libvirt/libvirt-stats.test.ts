import { describe, expect, it } from 'vitest'
import { cpuPercent, parseCpuStats } from './libvirt-stats'

describe('parseCpuStats and cpuPercent', () => {
  const out = `Domain: 'a b'
  cpu.time=2000000000
  cpu.user=1000
  balloon.current=65536
  balloon.rss=50000
  vcpu.current=2
  vcpu.maximum=2

Domain: 'c'
  cpu.time=5
  balloon.current=1024
`
  it('reads CPU time, vCPUs and memory (rss, else the balloon) a domain', () => {
    expect(parseCpuStats(out)).toEqual([
      { name: 'a b', cpuTimeNs: 2_000_000_000, vcpus: 2, memoryBytes: 50_000 * 1024 },
      { name: 'c', cpuTimeNs: 5, vcpus: 1, memoryBytes: 1024 * 1024 },
    ])
  })

  it('CPU as a share of all the vCPUs between two samples, within 0–100', () => {
    const [a] = parseCpuStats(out)
    expect(cpuPercent(a!, { ...a!, cpuTimeNs: a!.cpuTimeNs + 1_000_000_000 }, 1_000_000_000)).toBe(50)
    expect(cpuPercent(a!, { ...a!, cpuTimeNs: a!.cpuTimeNs + 9_000_000_000 }, 1_000_000_000)).toBe(100)
    expect(cpuPercent(a!, a!, 0)).toBe(0)
  })
})
