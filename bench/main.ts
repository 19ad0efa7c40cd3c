import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { bootBench } from './boot'
import { cliStartBench } from './cli-start'
import { consoleBench } from './console'
import { diskBench } from './disk'
import { overheadBench } from './overhead'
import { cleanupAll, installCleanupHandlers } from './lib/cleanup'
import { createContext, foreignQemus, homeDir, loadAverage, machineInfo, vireoJson, type Accel, type BenchContext } from './lib/context'
import { benchIds, renderMarkdown, summaryTable, type BenchId, type Section } from './lib/report'
import { testIso } from './lib/test-os'
import { PREAMBLE } from './preamble'
import { scaleBench } from './scale'
import { startBench } from './start'
import { uiBench } from './ui'

const usage = `npm run bench [-- OPTIONS]

  --only LIST     run only these, comma-separated: ${benchIds.join(', ')}
  --accel A       tcg | kvm (default: what \`vireo host check\` picks)
  --runs N        runs per measurement (default: start 9, boot 3, overhead 3, disk 3, console 3, scale 5, ui 5)
  --write         write docs/benchmarks.md after a partial (--only) run too
  --no-write      print the results, leave docs/benchmarks.md alone
  --smoke         each benchmark once, smallest sizes, no warm-ups: figures printed, no goal
                  judged, docs/benchmarks.md left alone; fails if any benchmark fails (npm test)
  --quiet         no progress lines
(scripts/bench.js also takes --no-build: use the existing out/ build)`

const defaultRuns: Record<BenchId, number> = { start: 9, boot: 3, overhead: 3, disk: 3, console: 3, scale: 5, ui: 5, cli: 15 }

type Bench = (ctx: BenchContext) => Promise<Omit<Section, 'seconds'>>
const benches: Record<BenchId, { title: string; run: Bench }> = {
  start: { title: 'Start overhead', run: startBench },
  boot: { title: 'Guest boot', run: bootBench },
  overhead: { title: 'Overhead per running VM', run: overheadBench },
  disk: { title: 'Guest disk', run: diskBench },
  console: { title: 'Console', run: consoleBench },
  scale: { title: 'Scale', run: scaleBench },
  ui: { title: 'UI', run: uiBench },
  cli: { title: 'CLI start', run: cliStartBench },
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      accel: { type: 'string' },
      runs: { type: 'string' },
      write: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(usage)
    return 0
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...benchIds]
  const unknown = only.filter((id) => !(benchIds as readonly string[]).includes(id))
  if (unknown.length > 0) {
    console.error(`bench: unknown benchmark ${unknown.join(', ')}\n\n${usage}`)
    return 2
  }
  const selected = benchIds.filter((id) => only.includes(id))
  const smoke = values.smoke
  const runs = smoke ? 1 : values.runs === undefined ? undefined : Number.parseInt(values.runs, 10)
  if (runs !== undefined && !(runs >= 1)) {
    console.error('bench: --runs wants a positive number')
    return 2
  }

  installCleanupHandlers()
  const started = performance.now()
  const repo = process.cwd()
  const iso = testIso(repo)
  const first = createContext({ accel: 'tcg', iso, runs: 1, smoke, verbose: !values.quiet })
  const host = await vireoJson<{ accel: Accel; kvm: { usable: boolean } }>(first, homeDir(first, 'home-probe'), ['host', 'check'])
  const accel = (values.accel ?? host.accel) as Accel
  if (accel !== 'tcg' && accel !== 'kvm') throw new Error('--accel wants tcg or kvm')
  if (accel === 'kvm' && !host.kvm.usable) throw new Error('--accel kvm, but `vireo host check` finds KVM unusable here')
  const base: BenchContext = { ...first, accel }
  const machine = await machineInfo(base)
  console.error(`bench: ${selected.join(', ')} on ${machine.cores} cores, ${accel.toUpperCase()}, temp folder ${base.root}`)

  const sections: Section[] = []
  try {
    for (const id of selected) {
      const n = runs ?? defaultRuns[id]
      const benchCtx: BenchContext = { ...base, runs: n }
      const t0 = performance.now()
      console.error(`bench: ${benches[id].title} (${n} runs)…`)
      // Other programs on the machine skew CPU-bound figures: say how busy it was.
      const before = { load: loadAverage(), qemus: foreignQemus(benchCtx) }
      const context = () =>
        `_Machine load (1/5/15-min averages) ${before.load} when this began, ${loadAverage()} when it ended; QEMUs of other programs running: ${before.qemus} at the start, ${foreignQemus(benchCtx)} at the end._`
      try {
        const result = await benches[id].run(benchCtx)
        sections.push({ ...result, notes: [...result.notes, context()], seconds: (performance.now() - t0) / 1000 })
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
        console.error(`bench: ${benches[id].title} failed: ${message}`)
        sections.push({ id, title: benches[id].title, rows: [], notes: [], seconds: (performance.now() - t0) / 1000, error: message })
      }
    }
  } finally {
    await cleanupAll()
  }

  const totalSeconds = (performance.now() - started) / 1000
  const runsText = runs === undefined ? 'default runs per benchmark' : `${runs} runs per measurement`
  if (values['no-write'] && !smoke) {
    for (const s of sections) console.log(`\n## ${s.title}\n\n${s.notes.join('\n\n')}`)
  }
  // A smoke run's one small run says nothing about a goal: its figures only, no ✓ or ✗.
  const shown = smoke ? sections.map((s) => ({ ...s, rows: s.rows.map((r) => ({ ...r, goal: '(smoke)', met: null })) })) : sections
  console.log(`\n${summaryTable(shown)}\n`)
  console.log(`(${(totalSeconds / 60).toFixed(1)} min)`)
  const partial = selected.length < benchIds.length
  if (!smoke && !values['no-write'] && (!partial || values.write)) {
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    const markdown = renderMarkdown(
      { machine, accel, date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', runs: runsText, totalSeconds, sections, command },
      PREAMBLE,
    )
    writeFileSync(join(repo, 'docs', 'benchmarks.md'), markdown)
    console.log('Written to docs/benchmarks.md')
  }
  return sections.some((s) => s.error !== undefined) ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
    await cleanupAll()
    process.exit(1)
  },
)
