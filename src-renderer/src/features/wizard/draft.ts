import type { AccelChoice, DiskFormat, ErrorInfo, Firmware, Input, IsoInspection } from '../../api/types'
import { baseName, gibToSize } from '../../ui/format'

/**
 * The new VM being described: one object that every wizard page reads and fills in part,
 * as virt-manager's create wizard does. Pure functions only; the store holds the value.
 */
export interface Draft {
  sourceKind: 'iso' | 'import'
  isoPath: string
  importPath: string
  importFormat: ImportFormat
  /** What `inspectIso` found in the chosen ISO. */
  inspection: IsoInspection | null
  name: string
  memoryMiB: number
  cpus: number
  diskGiB: number
  diskFormat: DiskFormat
  firmware: Firmware
  /** Chosen on the resources page; until then the settings' defaultAccel (see createParams). */
  accel: AccelChoice | null
  /** Where the VM is made: `local` (Vireo's own), or a libvirt connection's URI. */
  connection: string
  /** For Windows: attach the virtio-win ISO the inspection found (then virtio disk and NIC). */
  attachDrivers: boolean
}

export type ImportFormat = 'auto' | 'qcow2' | 'raw' | 'vmdk' | 'vdi'
export type Step = 'source' | 'os' | 'resources' | 'name' | 'review'
export type FieldKey =
  'isoPath' | 'importPath' | 'name' | 'memoryMiB' | 'cpus' | 'diskSize' | 'diskFormat' | 'firmware'

/** A problem with a field: one of ours (translated when shown), or the server's words. */
export type Problem =
  { code: ProblemCode; values?: Record<string, string | number> } | { server: ErrorInfo }
export type ProblemCode =
  | 'pathRequired'
  | 'nameRequired'
  | 'nameTaken'
  | 'nameTooLong'
  | 'nameControl'
  | 'memoryRange'
  | 'cpusRange'
  | 'diskRange'
export type Problems = Partial<Record<FieldKey, Problem>>

/** Generic modern-Linux defaults, as the core's OS catalogue has them (`genericLinux`). */
export const emptyDraft: Draft = {
  sourceKind: 'iso',
  isoPath: '',
  importPath: '',
  importFormat: 'auto',
  inspection: null,
  name: '',
  memoryMiB: 2048,
  cpus: 2,
  diskGiB: 20,
  diskFormat: 'qcow2',
  firmware: 'bios',
  accel: null,
  connection: 'local',
  attachDrivers: true,
}

export function stepsFor(kind: Draft['sourceKind']): Step[] {
  return kind === 'iso'
    ? ['source', 'os', 'resources', 'name', 'review']
    : ['source', 'resources', 'name', 'review']
}

const fieldStep: Record<FieldKey, Step> = {
  isoPath: 'source',
  importPath: 'source',
  memoryMiB: 'resources',
  cpus: 'resources',
  diskSize: 'resources',
  diskFormat: 'resources',
  name: 'name',
  firmware: 'name',
}

export function stepOf(field: FieldKey): Step {
  return fieldStep[field]
}

/** Which fields each step shows, so Next checks only those. */
export function fieldsOf(step: Step, kind: Draft['sourceKind']): FieldKey[] {
  const sourceField: FieldKey = kind === 'iso' ? 'isoPath' : 'importPath'
  const fields = (Object.keys(fieldStep) as FieldKey[]).filter((f) => fieldStep[f] === step)
  return fields.filter((f) => (f === 'isoPath' || f === 'importPath' ? f === sourceField : true))
}

function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLocaleLowerCase()
}

/** `base`, or `base 2`, `base 3`… whichever no VM has yet (names compare ignoring case). */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(Array.from(taken, nameKey))
  const stem = base.normalize('NFC').trim() || 'VM'
  if (!used.has(nameKey(stem))) return stem
  for (let n = 2; ; n++) {
    const candidate = `${stem} ${n}`
    if (!used.has(nameKey(candidate))) return candidate
  }
}

export function isNameTaken(name: string, taken: Iterable<string>): boolean {
  const key = nameKey(name)
  for (const other of taken) if (nameKey(other) === key) return true
  return false
}

/** The draft after choosing an ISO: its recommendations, and a name from its OS. */
export function applyInspection(
  draft: Draft,
  inspection: IsoInspection,
  context: { uefiAvailable: boolean; takenNames: Iterable<string> },
): Draft {
  const rec = inspection.recommended
  const base =
    inspection.os?.name ?? inspection.label ?? baseName(inspection.path).replace(/\.iso$/i, '')
  return {
    ...draft,
    sourceKind: 'iso',
    isoPath: inspection.path,
    inspection,
    name: uniqueName(base, context.takenNames),
    memoryMiB: rec.memoryMiB,
    cpus: rec.cpus,
    diskGiB: rec.diskGiB,
    firmware: rec.firmware === 'uefi' && !context.uefiAvailable ? 'bios' : rec.firmware,
  }
}

/** The draft after choosing a disk image to import: a name from its file. */
export function applyImport(draft: Draft, path: string, takenNames: Iterable<string>): Draft {
  const base = baseName(path).replace(/\.(qcow2|img|raw|vmdk|vdi)$/i, '')
  return { ...draft, sourceKind: 'import', importPath: path, name: uniqueName(base, takenNames) }
}

export interface Limits {
  memoryMiB: number | null
  cpus: number | null
  takenNames: Iterable<string>
}

/** What is wrong with the given fields, in codes the pages translate. */
export function validate(draft: Draft, fields: readonly FieldKey[], limits: Limits): Problems {
  const problems: Problems = {}
  for (const field of fields) {
    const problem = check(draft, field, limits)
    if (problem !== null) problems[field] = problem
  }
  return problems
}

function check(draft: Draft, field: FieldKey, limits: Limits): Problem | null {
  switch (field) {
    case 'isoPath':
      return draft.isoPath.trim() === '' ? { code: 'pathRequired' } : null
    case 'importPath':
      return draft.importPath.trim() === '' ? { code: 'pathRequired' } : null
    case 'name': {
      const name = draft.name.normalize('NFC').trim()
      if (name === '') return { code: 'nameRequired' }
      if (name.length > 120) return { code: 'nameTooLong' }
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(name)) return { code: 'nameControl' }
      if (isNameTaken(name, limits.takenNames)) return { code: 'nameTaken' }
      return null
    }
    case 'memoryMiB': {
      const max = limits.memoryMiB ?? 4 * 1024 * 1024
      const ok =
        Number.isInteger(draft.memoryMiB) && draft.memoryMiB >= 32 && draft.memoryMiB <= max
      return ok ? null : { code: 'memoryRange', values: { min: 32, max } }
    }
    case 'cpus': {
      const max = Math.min(limits.cpus ?? 288, 288)
      const ok = Number.isInteger(draft.cpus) && draft.cpus >= 1 && draft.cpus <= max
      return ok ? null : { code: 'cpusRange', values: { max } }
    }
    case 'diskSize': {
      if (draft.sourceKind === 'import') return null
      const ok = Number.isFinite(draft.diskGiB) && draft.diskGiB >= 0.01 && draft.diskGiB <= 65536
      return ok ? null : { code: 'diskRange' }
    }
    case 'diskFormat':
    case 'firmware':
      return null
  }
}

/**
 * The `createVm` (and `previewVm`) parameters for the draft: the wizard always starts it. The
 * accelerator is the one chosen, else `defaultAccel` (the settings'), as `vireo create` does.
 */
export function createParams(draft: Draft, defaultAccel: AccelChoice = 'auto'): Input<'createVm'> {
  const common = {
    connection: draft.connection,
    name: draft.name.normalize('NFC').trim(),
    memoryMiB: draft.memoryMiB,
    cpus: draft.cpus,
    firmware: draft.firmware,
    accel: draft.accel ?? defaultAccel,
    start: true,
  }
  if (draft.sourceKind === 'import') {
    return {
      ...common,
      source: {
        kind: 'import',
        path: draft.importPath.trim(),
        ...(draft.importFormat === 'auto' ? {} : { format: draft.importFormat }),
      },
    }
  }
  return {
    ...common,
    source: { kind: 'iso', path: draft.isoPath.trim() },
    diskSize: gibToSize(draft.diskGiB),
    diskFormat: draft.diskFormat,
    ...(draft.attachDrivers && draft.inspection?.driversIso ? { driversIso: draft.inspection.driversIso } : {}),
  }
}

/** The wizard field a server error is about (from INVALID_INPUT's `details.field`). */
export function fieldOfServerError(
  error: Pick<ErrorInfo, 'code' | 'details'>,
  kind: Draft['sourceKind'],
): FieldKey | null {
  if (error.code === 'ALREADY_EXISTS') return 'name'
  const field = error.details?.['field']
  if (typeof field !== 'string') return null
  const head = field.split('.')[0]
  switch (head) {
    case 'source':
      return kind === 'iso' ? 'isoPath' : 'importPath'
    case 'name':
    case 'memoryMiB':
    case 'cpus':
    case 'diskSize':
    case 'diskFormat':
    case 'firmware':
      return head
    default:
      return null
  }
}

/** The server's message without the `field: ` prefix the dispatcher adds, for showing at the field. */
export function fieldMessage(error: ErrorInfo): ErrorInfo {
  const field = error.details?.['field']
  if (typeof field !== 'string' || field === '') return error
  const prefix = `${field}: `
  if (!error.message.startsWith(prefix)) return error
  const problem = error.messageText?.key === 'error.api.invalidField' ? error.messageText.params?.['problem'] : undefined
  return {
    ...error,
    message: error.message.slice(prefix.length),
    // The dispatcher's words (zod's) without the field: shown as they are, in any language.
    ...(typeof problem === 'string' ? { messageText: { key: 'error.verbatim', params: { text: problem } } } : {}),
  }
}
