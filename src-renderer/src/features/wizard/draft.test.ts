import { describe, expect, it } from 'vitest'
import type { IsoInspection } from '../../api/types'
import {
  applyInspection,
  createParams,
  emptyDraft,
  fieldMessage,
  fieldOfServerError,
  fieldsOf,
  uniqueName,
  validate,
} from './draft'

const testIso: IsoInspection = {
  path: '/isos/vireo-test-installer.iso',
  sizeBytes: 40 * 1024 * 1024,
  label: 'VIREO_TEST',
  os: { id: 'vireo-test', name: 'Vireo test OS' },
  recommended: { memoryMiB: 256, cpus: 1, diskGiB: 0.25, firmware: 'bios' },
}

describe('uniqueName', () => {
  it('keeps a free name and numbers a taken one', () => {
    expect(uniqueName('Debian 12', [])).toBe('Debian 12')
    expect(uniqueName('Debian 12', ['debian 12', 'Debian 12 2'])).toBe('Debian 12 3')
  })
  it('accepts any Unicode', () => {
    expect(uniqueName('  我的虚拟机 ', ['我的虚拟机'])).toBe('我的虚拟机 2')
  })
})

describe('applyInspection', () => {
  it('takes the recommendations and a name from the OS', () => {
    const draft = applyInspection(emptyDraft, testIso, { uefiAvailable: false, takenNames: [] })
    expect(draft).toMatchObject({
      isoPath: testIso.path,
      name: 'Vireo test OS',
      memoryMiB: 256,
      cpus: 1,
      diskGiB: 0.25,
      firmware: 'bios',
    })
  })
  it('falls back to BIOS when the host has no UEFI firmware', () => {
    const windows = {
      ...testIso,
      recommended: { ...testIso.recommended, firmware: 'uefi' as const },
    }
    expect(
      applyInspection(emptyDraft, windows, { uefiAvailable: false, takenNames: [] }).firmware,
    ).toBe('bios')
    expect(
      applyInspection(emptyDraft, windows, { uefiAvailable: true, takenNames: [] }).firmware,
    ).toBe('uefi')
  })
  it('names an unknown ISO after its label or file', () => {
    const unknown = { ...testIso, os: null, label: null }
    expect(
      applyInspection(emptyDraft, unknown, { uefiAvailable: false, takenNames: [] }).name,
    ).toBe('vireo-test-installer')
  })
})

describe('createParams', () => {
  it('makes an ISO install that starts at once, fractional GiB in MiB', () => {
    const draft = applyInspection(emptyDraft, testIso, { uefiAvailable: false, takenNames: [] })
    expect(createParams(draft)).toEqual({
      connection: 'local',
      name: 'Vireo test OS',
      source: { kind: 'iso', path: testIso.path },
      diskSize: '256M',
      diskFormat: 'qcow2',
      memoryMiB: 256,
      cpus: 1,
      firmware: 'bios',
      accel: 'auto',
      start: true,
    })
  })
  it("gives the VM the accelerator chosen, else the settings' default", () => {
    expect(createParams(emptyDraft, 'tcg').accel).toBe('tcg')
    expect(createParams({ ...emptyDraft, accel: 'kvm' }, 'tcg').accel).toBe('kvm')
  })
  it('makes the VM on the connection chosen', () => {
    expect(createParams({ ...emptyDraft, connection: 'qemu:///system' }).connection).toBe('qemu:///system')
  })
  it('imports a disk without a disk size, the format left to detection', () => {
    const draft = {
      ...emptyDraft,
      sourceKind: 'import' as const,
      importPath: '/d/a.qcow2',
      name: 'a',
    }
    const params = createParams(draft)
    expect(params.source).toEqual({ kind: 'import', path: '/d/a.qcow2' })
    expect(params.diskSize).toBeUndefined()
  })
})

describe('validate', () => {
  const limits = { memoryMiB: 4096, cpus: 4, takenNames: ['Taken'] }
  it('checks only the fields of a step', () => {
    expect(fieldsOf('resources', 'iso')).toEqual(['memoryMiB', 'cpus', 'diskSize', 'diskFormat'])
    expect(fieldsOf('source', 'import')).toEqual(['importPath'])
  })
  it('finds an empty, taken or over-long name', () => {
    expect(validate({ ...emptyDraft, name: ' ' }, ['name'], limits).name).toEqual({
      code: 'nameRequired',
    })
    expect(validate({ ...emptyDraft, name: 'taken' }, ['name'], limits).name).toEqual({
      code: 'nameTaken',
    })
    expect(validate({ ...emptyDraft, name: 'x'.repeat(121) }, ['name'], limits).name).toEqual({
      code: 'nameTooLong',
    })
  })
  it('keeps memory and vCPUs within the host', () => {
    const problems = validate(
      { ...emptyDraft, memoryMiB: 8192, cpus: 8 },
      ['memoryMiB', 'cpus'],
      limits,
    )
    expect(problems.memoryMiB).toEqual({ code: 'memoryRange', values: { min: 32, max: 4096 } })
    expect(problems.cpus).toEqual({ code: 'cpusRange', values: { max: 4 } })
  })
})

describe('server errors', () => {
  it('are attached to the field the server names', () => {
    const error = {
      code: 'INVALID_INPUT' as const,
      message: 'name: Give the VM a name.',
      details: { field: 'name' },
    }
    expect(fieldOfServerError(error, 'iso')).toBe('name')
    expect(fieldMessage(error).message).toBe('Give the VM a name.')
    expect(
      fieldOfServerError({ code: 'FILE_MISSING', details: { field: 'source.path' } }, 'iso'),
    ).toBe('isoPath')
    expect(fieldOfServerError({ code: 'ALREADY_EXISTS' }, 'iso')).toBe('name')
    expect(fieldOfServerError({ code: 'INTERNAL' }, 'iso')).toBeNull()
  })
})
