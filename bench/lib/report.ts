import type { MachineInfo } from './context'

/** One figure of the summary table. */
export interface Row {
  metric: string
  /** Vireo's figure, as printed. */
  value: string
  /** What it is compared with, as printed (empty when it stands alone). */
  baseline: string
  /** The ratio or figure the goal is about, as printed. */
  ratio: string
  goal: string
  /** null: no goal, or not measurable here. */
  met: boolean | null
}

export interface Section {
  id: BenchId
  title: string
  rows: Row[]
  /** Markdown paragraphs and lists: method, details, and analysis of missed goals. */
  notes: string[]
  seconds: number
  error?: string
}

export const benchIds = ['start', 'boot', 'overhead', 'disk', 'console', 'scale', 'ui', 'cli'] as const
export type BenchId = (typeof benchIds)[number]

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

export function summaryTable(sections: Section[]): string {
  const lines = [
    '| benchmark | metric | Vireo | compared with | ratio / figure | goal | met |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const s of sections) {
    if (s.error !== undefined) {
      lines.push(`| ${s.title} | — | failed: ${cell(s.error.split('\n')[0] ?? '')} | | | | ✗ |`)
      continue
    }
    for (const r of s.rows) {
      const met = r.met === null ? '—' : r.met ? '✓' : '✗'
      lines.push(`| ${s.title} | ${cell(r.metric)} | ${cell(r.value)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.goal)} | ${met} |`)
    }
  }
  return lines.join('\n')
}

export function machineLine(m: MachineInfo, accel: string): string {
  return [
    `${m.cores} cores (${m.cpuModel})`,
    `${m.memoryGiB} GiB memory`,
    `Linux ${m.kernel}`,
    `QEMU ${m.qemu}`,
    `accelerator ${accel.toUpperCase()}`,
    `Node ${m.node}`,
  ].join(', ')
}

export interface ReportInput {
  machine: MachineInfo
  accel: string
  date: string
  runs: string
  totalSeconds: number
  sections: Section[]
  command: string
}

export function renderMarkdown(input: ReportInput, preamble: string): string {
  const out: string[] = []
  out.push('# Benchmarks', '')
  out.push(preamble.trim(), '')
  out.push('## Last run', '')
  out.push(`- Date: ${input.date}`)
  out.push(`- Machine: ${machineLine(input.machine, input.accel)}`)
  out.push(
    `- Load when it started: ${input.machine.load} (1/5/15 min); QEMUs of other programs running: ${input.machine.foreignQemus}`,
  )
  out.push(`- Command: \`${input.command}\` — ${input.runs}; took ${(input.totalSeconds / 60).toFixed(1)} min`)
  out.push('- Figures: median (min–max) over the runs; ratios are of medians, Vireo ÷ the other.', '')
  out.push(summaryTable(input.sections), '')
  for (const s of input.sections) {
    out.push(`## ${s.title}`, '')
    if (s.error !== undefined) out.push('**Failed:**', '', '```', s.error, '```', '')
    for (const note of s.notes) out.push(note.trim(), '')
    out.push(`_(${s.seconds.toFixed(0)} s)_`, '')
  }
  return out.join('\n')
}
