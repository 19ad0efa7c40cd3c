import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { homeDir, vireo, vireoEnv, type BenchContext } from './lib/context'
import type { Row, Section } from './lib/report'
import { formatSeries, ratio, series } from './lib/stats'

/** How many VMs the measured home holds (stopped, 16 MiB disks). */
const VMS = 3

/**
 * CLI start: `vireo --help`, `vireo list` and `vireo info VM` from process start to exit,
 * against a bare `node -e 0`, the runs of all interleaved so that the machine's load weighs on
 * each alike. Goal: each within 2× a bare node start (issue 20). `info` is measured as it
 * usually runs, with QEMU's and qemu-img's answers (versions, QEMU's features, the disk's sizes)
 * already kept in the runtime folder (core/host/program-facts.ts, core/vms/disk-details.ts;
 * the unmeasured first round keeps them), and once more, as a figure only, with them removed
 * before each run (the first `info` after a boot, which asks them all again).
 */
export async function cliStartBench(ctx: BenchContext): Promise<Omit<Section, 'seconds'>> {
  const home = homeDir(ctx, 'home-cli')
  for (let i = 0; i < VMS; i++)
    await vireo(ctx, home, ['create', '--name', `cli ${i}`, '--disk-size', '16M'])
  const bin = join(ctx.repo, 'bin', 'vireo.js')
  const env = vireoEnv(ctx, home)
  const cold = 'vireo info VM, nothing kept'
  const variants: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['vireo --help', [bin, '--help']],
    ['vireo list', [bin, 'list']],
    ['vireo info VM', [bin, 'info', 'cli 0']],
    [cold, [bin, 'info', 'cli 0']],
  ]
  // What the runtime folders (one per VIREO_HOME) keep of QEMU's and qemu-img's answers.
  const forgetFacts = (): void => {
    for (const name of readdirSync(ctx.runtime))
      for (const kept of ['program-facts', 'disk-details'])
        rmSync(join(ctx.runtime, name, kept), { recursive: true, force: true })
  }
  const times = variants.map((): number[] => [])
  // One unmeasured round: the first start reads every file from disk.
  for (let run = -1; run < ctx.runs; run++) {
    variants.forEach(([label, args], i) => {
      if (label === cold) forgetFacts()
      const t0 = performance.now()
      const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
      const ms = performance.now() - t0
      if (r.status !== 0)
        throw new Error(`${label} exited with ${r.status}: ${r.stderr.toString()}`)
      if (run >= 0) times[i]?.push(ms)
    })
  }
  const [bare, ...rest] = times.map(series)
  if (bare === undefined) throw new Error('no baseline')
  const rows: Row[] = rest.map((s, i) => {
    const label = variants[i + 1]?.[0] ?? ''
    const r = ratio(s.median, bare.median)
    const judged = label !== cold
    return {
      metric: `${label}, start to exit`,
      value: formatSeries(s, 'ms'),
      baseline: `node -e 0: ${formatSeries(bare, 'ms')}`,
      ratio: `${r.toFixed(2)}×`,
      goal: judged ? '≤ 2× node -e 0' : '',
      met: judged ? r <= 2 : null,
    }
  })
  return {
    id: 'cli',
    title: 'CLI start',
    rows,
    notes: [
      `Each command started ${ctx.runs} times with Node ${process.version} (medians, min–max), interleaved with a bare \`node -e 0\`, in a home with ${VMS} stopped VMs. The CLI loads each command's code on demand (a chunk per command), so \`--help\` loads no core and \`list\` neither execa nor ws, nor the libvirt backend and its XML parser (loaded when a libvirt connection is first asked something: core/backends/deferred-backend.ts); \`info\` reads QEMU's and qemu-img's versions, QEMU's \`-sandbox\` support and the disk's sizes from the runtime folder, where the first run kept them (kept per file by path, size, mtime, ctime and inode: core/host/program-facts.ts, core/vms/disk-details.ts), so it runs no program; \`${cold}\` removes them before each run, so it also runs \`qemu-system-x86_64 --version\`, \`qemu-img --version\`, \`qemu-system-x86_64 -help\` and \`qemu-img info\` on the disk, through execa (figure only).`,
    ],
  }
}
