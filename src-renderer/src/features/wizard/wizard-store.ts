import { create } from 'zustand'
import { ApiError, toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { AccelChoice, ErrorInfo, IsoInspection, Result } from '../../api/types'
import { navigate } from '../../app/route-store'
import { useHost } from '../host/host-store'
import { usePreferences } from '../settings/preferences'
import { useVms } from '../vm-list/vms-store'
import {
  applyImport,
  applyInspection,
  createParams,
  emptyDraft,
  fieldMessage,
  fieldOfServerError,
  fieldsOf,
  stepOf,
  stepsFor,
  validate,
  type Draft,
  type FieldKey,
  type Limits,
  type Problems,
  type Step,
} from './draft'

interface WizardState {
  draft: Draft
  step: Step
  busy: null | 'inspecting' | 'previewing' | 'creating'
  problems: Problems
  /** An error that belongs to no one field. */
  error: ErrorInfo | null
  /** The review's answer: the new VM's id, its command line or what would stop it. */
  preview: Result<'previewVm'> | null
  candidates: IsoInspection[] | null
}

const initial: WizardState = {
  draft: emptyDraft,
  step: 'source',
  busy: null,
  problems: {},
  error: null,
  preview: null,
  candidates: null,
}

/** The new-VM wizard: one draft, the page showing, and what the server said about it. */
export const useWizard = create<WizardState>(() => initial)

const set = useWizard.setState
const get = useWizard.getState

// The ISOs found depend on the settings' ISO folders: a change (here or in another window)
// makes the source page look again.
usePreferences.subscribe((now, before) => {
  const folders = (s: typeof now) => s.settings?.values.isoFolders.join('\0')
  if (before.settings !== null && folders(now) !== folders(before)) set({ candidates: null })
})

function limits(): Limits {
  const report = useHost.getState().report
  return {
    memoryMiB: report?.memory.totalMiB ?? null,
    cpus: report?.cpus ?? null,
    takenNames: Object.values(useVms.getState().vms).map((vm) => vm.name),
  }
}

/** The accelerator the settings give new VMs (the wizard preselects it). */
export function defaultAccel(): AccelChoice {
  return usePreferences.getState().settings?.values.defaultAccel ?? 'auto'
}

export function resetWizard(): void {
  set({ ...initial, candidates: get().candidates })
}

/** Changes part of the draft; the problems of the changed fields go away. */
export function updateDraft(patch: Partial<Draft>, fields: FieldKey[] = []): void {
  set((s) => {
    const problems = { ...s.problems }
    for (const field of fields) delete problems[field]
    return { draft: { ...s.draft, ...patch }, problems, error: null }
  })
}

export async function loadCandidates(): Promise<void> {
  try {
    set({ candidates: await api.call('listIsoCandidates', {}) })
  } catch {
    set({ candidates: [] })
  }
}

/** An ISO was chosen (typed, browsed, dropped or picked): inspect it and show what it is. */
export async function chooseIso(path: string, known?: IsoInspection): Promise<void> {
  updateDraft({ sourceKind: 'iso', isoPath: path }, ['isoPath'])
  if (path.trim() === '') {
    set({ problems: { isoPath: { code: 'pathRequired' } } })
    return
  }
  set({ busy: 'inspecting' })
  try {
    const inspection = known ?? (await api.call('inspectIso', { path: path.trim() }))
    // The host report may still be on its way (the wizard opened first): UEFI is chosen from it.
    if (useHost.getState().report === null) await useHost.getState().load()
    const uefiAvailable = useHost.getState().report?.firmware.uefi != null
    set((s) => ({
      draft: applyInspection(s.draft, inspection, {
        uefiAvailable,
        takenNames: limits().takenNames,
      }),
      step: 'os',
      busy: null,
    }))
  } catch (error) {
    set({ busy: null, problems: { isoPath: { server: fieldMessage(toErrorInfo(error)) } } })
  }
}

export function chooseImport(path: string): void {
  set((s) => ({
    draft: applyImport(s.draft, path, limits().takenNames),
    problems: {},
    error: null,
  }))
}

export function goTo(step: Step): void {
  set({ step, error: null })
  if (step === 'review') void loadPreview()
}

/** Next: check this page's fields, then go on (from the source page, inspect the ISO first). */
export async function next(): Promise<void> {
  const { step, draft } = get()
  if (step === 'source' && draft.sourceKind === 'iso') {
    await chooseIso(draft.isoPath)
    return
  }
  const problems = validate(draft, fieldsOf(step, draft.sourceKind), limits())
  if (Object.keys(problems).length > 0) {
    set({ problems })
    return
  }
  if (step === 'source') chooseImport(draft.importPath)
  const steps = stepsFor(draft.sourceKind)
  const following = steps[steps.indexOf(step) + 1]
  if (following !== undefined) goTo(following)
}

export function back(): void {
  const { step, draft } = get()
  const steps = stepsFor(draft.sourceKind)
  const previous = steps[steps.indexOf(step) - 1]
  if (previous !== undefined) goTo(previous)
}

/**
 * The review page's command line. Create stays open meanwhile; a click on it (busy becomes
 * 'creating') must not be undone by the preview's answer, nor a page left meanwhile stay busy.
 */
async function loadPreview(): Promise<void> {
  set({ busy: 'previewing', preview: null })
  try {
    const preview = await api.call('previewVm', createParams(get().draft, defaultAccel()))
    if (get().step === 'review') set({ preview })
  } catch (error) {
    if (get().step === 'review' && get().busy === 'previewing') showServerError(error)
  } finally {
    if (get().busy === 'previewing') set({ busy: null })
  }
}

/** Create and start the VM, then open its console. */
export async function createVm(): Promise<void> {
  const { draft } = get()
  const all = stepsFor(draft.sourceKind).flatMap((step) => fieldsOf(step, draft.sourceKind))
  const problems = validate(draft, all, limits())
  const first = (Object.keys(problems) as FieldKey[])[0]
  if (first !== undefined) {
    set({ problems, step: stepOf(first) })
    return
  }
  set({ busy: 'creating', error: null })
  try {
    // The id the review showed, so that the VM made is the one whose command line was shown.
    const id = get().preview?.id
    const vm = await api.call('createVm', { ...createParams(draft, defaultAccel()), ...(id === undefined ? {} : { id }) })
    useVms.getState().upsert(vm)
    resetWizard()
    navigate({ name: 'console', connection: vm.connection, id: vm.id })
  } catch (error) {
    const info = toErrorInfo(error)
    if (typeof info.details?.createdId === 'string') {
      // Made, but it did not start: the VM is in the list; say why there.
      resetWizard()
      useVms.setState({ notice: { kind: 'notStarted', error: info } })
      navigate({ name: 'list' })
      return
    }
    showServerError(error)
  }
}

/** A server error at its field (and that field's page), or for the whole wizard. */
function showServerError(error: unknown): void {
  const info = toErrorInfo(error)
  const field = error instanceof ApiError ? fieldOfServerError(info, get().draft.sourceKind) : null
  if (field === null) {
    set({ busy: null, error: info })
    return
  }
  set((s) => ({
    busy: null,
    step: stepOf(field),
    problems: { ...s.problems, [field]: { server: fieldMessage(info) } },
  }))
}
