import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { trackDir } from './cleanup'

const run = promisify(execFile)

export type Accel = 'tcg' | 'kvm'

/** What every benchmark shares: the repo, a private temp root, the accelerator, the ISO. */
export interface BenchContext {
  repo: string
  /** Everything of this run lives under here (removed at the end). */
  root: string
  /** Given to every Vireo process as XDG_RUNTIME_DIR, so its sockets live under `root`. */
  runtime: string
  accel: Accel
  iso: string
  runs: number
  /** `--smoke`: one run, smallest sizes, no warm-ups: proves the benchmark works, measures nothing. */
  smoke: boolean
  log: (line: string) => void
}

/** `full` for a measurement, `smoke` for a smoke run (`--smoke`). */
export function sized<T>(ctx: BenchContext, full: T, smoke: T): T {
  return ctx.smoke ? smoke : full
}

export function createContext(options: { accel: Accel; iso: string; runs: number; smoke: boolean; verbose: boolean }): BenchContext {
  const root = mkdtempSync(join(tmpdir(), 'vireo-bench-'))
  trackDir(root)
  const runtime = join(root, 'run')
  mkdirSync(runtime, { mode: 0o700 })
  const started = Date.now()
  return {
    repo: resolve('.'),
    root,
    runtime,
    accel: options.accel,
    iso: options.iso,
    runs: options.runs,
    smoke: options.smoke,
    log: (line) => {
      if (options.verbose) console.error(`  [${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`)
    },
  }
}

/** A Vireo data folder under the run's root. */
export function homeDir(ctx: BenchContext, name: string): string {
  const home = join(ctx.root, name)
  mkdirSync(home, { recursive: true })
  return home
}

export function vireoEnv(ctx: BenchContext, home: string): NodeJS.ProcessEnv {
  return { ...process.env, VIREO_HOME: home, XDG_RUNTIME_DIR: ctx.runtime }
}

/** `vireo ARGS` from the built app; its stdout. */
export async function vireo(ctx: BenchContext, home: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(ctx.repo, 'bin', 'vireo.js'), ...args], {
    env: vireoEnv(ctx, home),
    cwd: ctx.repo,
    maxBuffer: 64 * 1024 * 1024,
  })
  return stdout
}

export async function vireoJson<T>(ctx: BenchContext, home: string, args: string[]): Promise<T> {
  return JSON.parse(await vireo(ctx, home, [...args, '--json'])) as T
}

export async function command(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(file, args, { maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

export interface MachineInfo {
  cores: number
  memoryGiB: number
  cpuModel: string
  qemu: string
  kernel: string
  node: string
  load: string
  /** QEMU processes of other programs running while we measured (they share the cores). */
  foreignQemus: number
}

export async function machineInfo(ctx: BenchContext): Promise<MachineInfo> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  const qemu = (await command('qemu-system-x86_64', ['--version'])).split('\n')[0] ?? 'unknown'
  return {
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    cpuModel: model.trim(),
    qemu: qemu.replace(/^QEMU emulator version /, ''),
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    node: process.version,
    load: loadAverage(),
    foreignQemus: foreignQemus(ctx),
  }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

/** QEMUs running now that this run did not start. */
export function foreignQemus(ctx: BenchContext): number {
  let count = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmdline.startsWith('qemu-system') && !cmdline.includes(ctx.root)) count++
    } catch {
      // Gone meanwhile.
    }
  }
  return count
}
