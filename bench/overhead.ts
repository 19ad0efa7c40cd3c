import { copyFile, mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { VmDetails } from '../src-main/api/types'
import { vireoJson, type BenchContext } from './lib/context'
import { startQemu, waitForFileText } from './lib/qemu'
import type { Row, Section } from './lib/report'
import { formatSeries, ratio, series, sleep } from './lib/stats'
import { installedTestOs } from './lib/test-os'
import { ensureRuntimeDirOf, libvirtArgv, quickemuArgv } from './lib/variants'

interface Memory {
  /** QEMU's resident set, MiB. */
  total: number
  /** What of it is guest RAM the guest has touched, MiB. */
  guest: number
  /** What of it is TCG's translated-code cache (0 under KVM), MiB. */
  codeCache: number
}

/**
 * What a running VM costs beyond its guest's memory: QEMU's resident set once the installed
 * test OS is `ready`, less the resident part of the guest's RAM (the one mapping as large as
 * the guest's memory, found in /proc/PID/smaps; TCG's code cache shown apart), for Vireo's default devices against
 * (b) libvirt-style and (c) quickemu-style (`bench/lib/variants.ts`). Figures, no goal.
 */
export async function overheadBench(ctx: BenchContext): Promise<Omit<Section, 'seconds'>> {
  const vm = await installedTestOs(ctx)
  const details = await vireoJson<VmDetails>(ctx, vm.home, ['info', vm.id])
  const vireoArgv = details.argv
  if (vireoArgv === null) throw new Error('vireo info gave no argv')
  await ensureRuntimeDirOf(vireoArgv)
  const dir = join(ctx.root, 'overhead')
  await mkdir(dir, { recursive: true })
  const base = { accel: ctx.accel, memoryMiB: vm.memoryMiB, cpus: vm.cpus, iso: ctx.iso }
  const variants: { key: string; label: string; argv: string[]; serialFile: string }[] = [
    { key: 'vireo', label: 'Vireo', argv: vireoArgv, serialFile: join(vm.dir, 'serial.log') },
  ]
  for (const [key, label, make] of [
    ['libvirt', '(b) libvirt-style', libvirtArgv],
    ['quickemu', '(c) quickemu-style', quickemuArgv],
  ] as const) {
    const disk = join(dir, `${key}.qcow2`)
    await copyFile(vm.disk, disk)
    const serialFile = join(dir, `${key}.serial`)
    variants.push({ key, label, argv: make({ ...base, disk, serial: `file:${serialFile}` }), serialFile })
  }
  const samples = new Map<string, Memory[]>(variants.map((v) => [v.key, []]))
  for (let round = 0; round < ctx.runs; round++) {
    for (const v of variants.map((_, i) => variants[(i + round) % variants.length]!)) {
      await rm(v.serialFile, { force: true })
      const qemu = startQemu(v.argv, join(dir, `${v.key}.qemu.log`))
      try {
        await waitForFileText(v.serialFile, 'Vireo test OS: ready', { timeoutMs: 180_000, exited: qemu.exited })
        // Let the guest's init and QEMU's device threads settle before reading.
        await sleep(1000)
        const memory = await qemuMemory(qemu.pid, vm.memoryMiB)
        samples.get(v.key)!.push(memory)
        ctx.log(`overhead ${v.key}: ${(memory.total - memory.guest).toFixed(1)} MiB beyond guest RAM`)
      } finally {
        await qemu.stop()
      }
    }
  }
  const beyond = (key: string) => series(samples.get(key)!.map((m) => m.total - m.guest))
  // What the devices and QEMU itself hold: beyond guest RAM and TCG's code cache (which the
  // accelerator sizes, not the command line).
  const rest = (key: string) => series(samples.get(key)!.map((m) => m.total - m.guest - m.codeCache))
  const vireo = rest('vireo')
  const rows: Row[] = variants.slice(1).map((v) => {
    const other = rest(v.key)
    return {
      metric: `QEMU's RSS beyond guest RAM and TCG's code cache at “ready” vs ${v.label}`,
      value: formatSeries(vireo, 'MiB', 1),
      baseline: formatSeries(other, 'MiB', 1),
      ratio: `${ratio(vireo.median, other.median).toFixed(2)}×`,
      goal: '',
      met: null,
    }
  })
  const table = variants
    .map((v) => {
      const m = samples.get(v.key)!
      const of = (f: (x: Memory) => number) => formatSeries(series(m.map(f)), 'MiB', 1)
      return `| ${v.label} | ${of((x) => x.total)} | ${of((x) => x.guest)} | ${formatSeries(beyond(v.key), 'MiB', 1)} | ${of((x) => x.codeCache)} | ${formatSeries(rest(v.key), 'MiB', 1)} |`
    })
    .join('\n')
  return {
    id: 'overhead',
    title: 'Overhead per running VM',
    rows,
    notes: [
      `Each line boots its own copy of the installed test OS (${vm.memoryMiB} MiB, ${vm.cpus} vCPU) to \`ready\` on its serial port, waits 1 s, and reads /proc/PID/smaps: the resident set, the resident part of the anonymous mapping of exactly the guest's memory (its RAM; what the guest has not touched is not resident), and that of TCG's translated-code cache (one large executable mapping, sized by QEMU, alike in every line; none under KVM). ${ctx.runs} rounds, the order rotated each round. Vireo's line is \`vireo info --json\`'s \`argv\`; (b) and (c) are in \`bench/lib/variants.ts\`.`,
      `| variant | QEMU RSS | of it guest RAM | beyond guest RAM | of that, TCG's code cache | the rest (devices, QEMU itself) |\n|---|---|---|---|---|---|\n${table}`,
    ],
  }
}

/**
 * QEMU's resident set, the resident part of its guest RAM (the anonymous mapping of exactly the
 * guest's memory) and of TCG's translated-code cache (its one large executable anonymous
 * mapping), from /proc/PID/smaps.
 */
async function qemuMemory(pid: number, memoryMiB: number): Promise<Memory> {
  const text = await readFile(`/proc/${pid}/smaps`, 'utf8')
  let total = 0
  let guest = 0
  let codeCache = 0
  let size = 0
  let executable = false
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) /.exec(line)
    if (mapping !== null) {
      executable = mapping[1]!.includes('x')
      continue
    }
    const field = /^(\w+):\s+(\d+) kB/.exec(line)
    if (field === null) continue
    const kB = Number(field[2])
    if (field[1] === 'Size') size = kB
    if (field[1] !== 'Rss') continue
    total += kB
    if (size === memoryMiB * 1024 && !executable) guest = Math.max(guest, kB)
    else if (executable && size >= 32 * 1024) codeCache = Math.max(codeCache, kB)
  }
  return { total: total / 1024, guest: guest / 1024, codeCache: codeCache / 1024 }
}
