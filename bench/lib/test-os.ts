import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { VmDetails, VmSummary } from '../../src-main/api/types'
import { homeDir, vireo, vireoJson, type BenchContext } from './context'
import { sleep } from './stats'

/** The test installer ISO (built from Debian packages on first use, then cached). */
export function testIso(repo: string): string {
  const script = join(repo, 'e2e', 'fixtures', 'build-test-iso.sh')
  const out = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 })
  const last = out.toString().trim().split('\n').at(-1)
  if (!last) throw new Error('build-test-iso.sh printed no ISO path')
  return last
}

export interface InstalledVm {
  home: string
  id: string
  name: string
  dir: string
  /** The installed system disk (qcow2). */
  disk: string
  memoryMiB: number
  cpus: number
  installMs: number
}

let installed: Promise<InstalledVm> | undefined

/**
 * A VM made the way a user makes one: `vireo create --iso` with every default (for this ISO
 * Vireo picks 256 MiB and 1 vCPU), started once so that the test installer writes the disk
 * and powers off. Made once per run and shared; benchmarks copy its disk, never change it.
 */
export function installedTestOs(ctx: BenchContext): Promise<InstalledVm> {
  installed ??= install(ctx)
  return installed
}

async function install(ctx: BenchContext): Promise<InstalledVm> {
  const home = homeDir(ctx, 'home-installed')
  const created = await vireoJson<VmDetails>(ctx, home, [
    'create', '--name', 'bench-test-os', '--iso', ctx.iso, '--accel', ctx.accel,
  ])
  const config = created.config
  if (config === null) throw new Error('created VM has no definition')
  ctx.log(`installing the test OS into ${created.dir} (${config.memoryMiB} MiB, ${config.cpus} vCPU)`)
  const started = performance.now()
  await vireo(ctx, home, ['start', created.id])
  const deadline = Date.now() + 300_000
  for (;;) {
    await sleep(250)
    const vm = (await vireoJson<VmSummary[]>(ctx, home, ['list'])).find((v) => v.id === created.id)
    if (vm?.state === 'stopped' || vm?.state === 'crashed') break
    if (Date.now() > deadline) throw new Error('the test installer did not finish within 5 minutes')
  }
  const installMs = performance.now() - started
  const serial = readFileSync(join(created.dir, 'serial.log'), 'utf8')
  if (!serial.includes('VIREO-INSTALLER: done, powering off')) {
    throw new Error(`the test installer failed:\n${serial.slice(-800)}`)
  }
  ctx.log(`installed in ${(installMs / 1000).toFixed(1)} s`)
  return {
    home,
    id: created.id,
    name: config.name,
    dir: created.dir,
    disk: join(created.dir, config.disks[0]!.file),
    memoryMiB: config.memoryMiB,
    cpus: config.cpus,
    installMs,
  }
}

/** `vireo create --import` of the installed disk, with the test OS's memory and vCPUs. */
export async function importInstalled(
  ctx: BenchContext,
  home: string,
  name: string,
  options: { memoryMiB?: number } = {},
): Promise<VmDetails> {
  const base = await installedTestOs(ctx)
  return vireoJson<VmDetails>(ctx, home, [
    'create', '--name', name, '--import', base.disk, '--accel', ctx.accel,
    '--memory', String(options.memoryMiB ?? base.memoryMiB), '--cpus', String(base.cpus),
  ])
}
