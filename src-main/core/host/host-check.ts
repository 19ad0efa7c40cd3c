import { z } from 'zod'
import { runCommand } from '../exec'
import { ensureRuntimeDir, type VireoPaths } from '../paths'
import { DEFAULT_PROBE_TIMEOUT_MS, probeAccelerator } from './accel-probe'
import {
  findProgram,
  findUefiFirmware,
  freeDiskSpace,
  secureBootFirmwareCandidates,
  hostCpus,
  hostMemoryMiB,
  openKvmDevice,
  readBootId,
  readKvmModules,
  readVirtFlags,
} from './host-facts'
import { buildHostReport, type ProgramLookup } from './host-report'
import { probeCacheKey, readProbeCache, writeProbeCache, type ProbeAnswer } from './probe-cache'
import { programFact, type FactsCache } from './program-facts'
import { parseQemuVersion } from './proc-parsers'
import type { HostReport } from './types'

export interface CheckHostOptions {
  paths: VireoPaths
  /** Probe KVM, and ask QEMU and qemu-img their versions, again even if already known. */
  refresh?: boolean
  /** How long the KVM test guest may take; 5 s if unset. */
  probeTimeoutMs?: number
  /** Where to look for programs (PATH); the process environment if unset. */
  env?: NodeJS.ProcessEnv
}

export const QEMU_PROGRAM = 'qemu-system-x86_64'
export const QEMU_IMG_PROGRAM = 'qemu-img'
/** The TPM 2.0 emulator VMs with a TPM run beside QEMU. */
export const SWTPM_PROGRAM = 'swtpm'

/**
 * What works on this host and what to do where something does not. Never throws for a missing
 * or broken part: that is what the report is for.
 */
export async function checkHost(options: CheckHostOptions): Promise<HostReport> {
  const env = options.env ?? process.env
  const facts = factsCache(options.paths, options.refresh)
  const [qemu, qemuImg, kvmDevice, cpuFlags, modules, uefi, secureBoot, swtpm, memory, disk] = await Promise.all([
    lookUpProgram(QEMU_PROGRAM, env, facts),
    lookUpProgram(QEMU_IMG_PROGRAM, env, facts),
    openKvmDevice(),
    readVirtFlags(),
    readKvmModules(),
    findUefiFirmware(),
    findUefiFirmware(secureBootFirmwareCandidates),
    findProgram(SWTPM_PROGRAM, env),
    hostMemoryMiB(),
    freeDiskSpace(options.paths.home),
  ])
  const probe =
    kvmDevice.permitted && qemu.status === 'found' ? await probeKvm(qemu.info.path, options) : null
  return buildHostReport({
    qemu,
    qemuImg,
    kvmDevice,
    probe,
    cpuFlags,
    modules,
    uefi,
    secureBoot,
    swtpm,
    memory,
    cpus: hostCpus(),
    disk,
  })
}

/** Whether KVM runs a guest: the cached answer for this boot and binary, else a fresh probe. */
async function probeKvm(
  qemuPath: string,
  options: CheckHostOptions,
): Promise<ProbeAnswer> {
  const key = await probeCacheKey(await readBootId(), qemuPath)
  if (key !== null && options.refresh !== true) {
    const cached = await readProbeCache(options.paths.runtime, key)
    if (cached !== null) return cached
  }
  // The probe's scratch folder goes in Vireo's private runtime folder, else the temp dir.
  let scratchDir: string | undefined = options.paths.runtime
  try {
    ensureRuntimeDir(options.paths)
  } catch {
    scratchDir = undefined
  }
  const result = await probeAccelerator({
    qemuPath,
    accel: 'kvm',
    timeoutMs: options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    scratchDir,
  })
  const answer: ProbeAnswer = { usable: result.ok, reason: result.reason, reasonText: result.reasonText }
  if (key !== null) await writeProbeCache(options.paths.runtime, key, answer, options.paths.runtimeBase)
  return answer
}

/** Where the versions (and QEMU's features) asked of the programs are kept: program-facts.ts. */
export function factsCache(paths: VireoPaths, refresh?: boolean): FactsCache {
  return { runtime: paths.runtime, runtimeBase: paths.runtimeBase, refresh }
}

/** Finds `name` on PATH and asks it for its version (the one kept in `cache`, if it is the same file). */
export async function lookUpProgram(
  name: string,
  env: NodeJS.ProcessEnv,
  cache?: FactsCache,
): Promise<ProgramLookup> {
  const path = await findProgram(name, env)
  if (path === null) return { status: 'missing' }
  try {
    const stdout = await programFact(cache, path, 'version', z.string(), async () => {
      const out = (await runCommand(path, ['--version'], { timeoutMs: 10_000 })).stdout
      return { value: out, keep: parseQemuVersion(out) !== null }
    })
    const version = parseQemuVersion(stdout)
    if (version === null) {
      return {
        status: 'broken',
        path,
        message: `unexpected --version output: ${stdout.split('\n')[0] ?? ''}`,
      }
    }
    return { status: 'found', info: { path, version } }
  } catch (error) {
    return {
      status: 'broken',
      path,
      message: error instanceof Error ? error.message : String(error),
    }
  }
}
