import { CONFIG_VERSION, vmConfigSchema, type VmConfig } from './config'

/**
 * Upgrades a stored definition to the current version, one small step at a time
 * (v1 → v2 → …). Each step takes the previous version's plain object and returns the next.
 * There is one version so far, so the chain is empty; a new version adds a step here and a
 * test beside it.
 */
const steps: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {}

export type LoadResult = { ok: true; config: VmConfig } | { ok: false; reason: string }

export function loadConfig(raw: unknown): LoadResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'vm.json does not hold a JSON object' }
  }
  let value = raw as Record<string, unknown>
  const version = value.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: 'vm.json has no valid "version" field' }
  }
  if (version > CONFIG_VERSION) {
    return {
      ok: false,
      reason: `vm.json was written by a newer Vireo (config version ${version}; this one reads up to ${CONFIG_VERSION}). Update Vireo to use this VM.`,
    }
  }
  for (let v = version; v < CONFIG_VERSION; v++) {
    const step = steps[v]
    if (step === undefined) return { ok: false, reason: `no upgrade from config version ${v}` }
    value = step(value)
  }
  const parsed = vmConfigSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    return { ok: false, reason: `vm.json is invalid at "${where}": ${issue?.message ?? 'unknown'}` }
  }
  return { ok: true, config: parsed.data }
}
