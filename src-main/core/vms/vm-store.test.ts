import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { vmConfigSchema, type VmConfig } from './config'
import { VmStore } from './vm-store'

let root: string
let store: VmStore

const config = (id: string, name = `VM ${id}`): VmConfig =>
  vmConfigSchema.parse({
    version: 1,
    id,
    name,
    memoryMiB: 512,
    cpus: 1,
    disks: [{ file: 'disk0.qcow2', format: 'qcow2' }],
    createdAt: '2026-01-01T00:00:00.000Z',
  })

async function add(c: VmConfig): Promise<void> {
  await store.createDir(c.id)
  await store.save(c)
  await writeFile(join(store.dirOf(c.id), 'disk0.qcow2'), 'disk bytes')
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vireo-store-'))
  store = new VmStore(join(root, 'vms'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('VmStore', () => {
  it('says which data folder it cannot read, and what to do, instead of failing as a bug', async () => {
    writeFileSync(join(root, 'file'), 'not a folder')
    const onFile = new VmStore(join(root, 'file', 'vms'))
    await expect(onFile.list()).rejects.toMatchObject({
      code: 'HOST_UNSUPPORTED',
      message: expect.stringContaining('a file stands where a folder should be'),
      hint: expect.stringContaining('VIREO_HOME'),
    })
  })

  it('sweeps away cut-short deletions and abandoned creations, never one still being written', async () => {
    await add(config('aaaaaaaa'))
    const vms = store.vmsDir
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000)
    const folder = async (name: string, fileAge: number, dirAge: number) => {
      await mkdir(join(vms, name))
      writeFileSync(join(vms, name, 'disk0.qcow2'), 'bytes')
      utimesSync(join(vms, name, 'disk0.qcow2'), hoursAgo(fileAge), hoursAgo(fileAge))
      utimesSync(join(vms, name), hoursAgo(dirAge), hoursAgo(dirAge))
    }
    await folder('.deleted-bbbbbbbb-0a1b2c3d', 0, 0)
    await folder('.new-cccccccc', 2, 2) // nothing changed for two hours: abandoned
    await folder('.new-dddddddd', 0, 2) // its disk is still being written (a long import)
    await folder('.new-eeeeeeee', 0, 0)

    const removed = await store.sweepLeftovers()
    expect(removed.map((path) => path.slice(vms.length + 1)).sort()).toEqual([
      '.deleted-bbbbbbbb-0a1b2c3d',
      '.new-cccccccc',
    ])
    for (const kept of ['aaaaaaaa', '.new-dddddddd', '.new-eeeeeeee']) {
      expect(existsSync(join(vms, kept)), kept).toBe(true)
    }
    expect(existsSync(join(vms, 'aaaaaaaa', 'disk0.qcow2'))).toBe(true)
  })

  it('saves and loads a definition, applying the schema defaults', async () => {
    await add(config('aaaaaaaa'))
    const loaded = await store.get('aaaaaaaa')
    expect(loaded.name).toBe('VM aaaaaaaa')
    expect(loaded.bootOrder).toEqual(['disk', 'cdrom'])
    expect(loaded.network).toEqual({ mode: 'user', portForwards: [], model: 'virtio' })
    // Fields added after version 1 read with their defaults: older files stay readable.
    expect(loaded).toMatchObject({ secondCdrom: null, rtc: 'utc', tablet: true, hyperv: false })
  })

  it('lists a broken vm.json with its reason and still loads the others', async () => {
    await add(config('aaaaaaaa'))
    await add(config('bbbbbbbb'))
    await add(config('cccccccc'))
    await add(config('dddddddd'))
    const file = (id: string) => join(store.dirOf(id), 'vm.json')
    writeFileSync(file('bbbbbbbb'), readFileSync(file('bbbbbbbb'), 'utf8').slice(0, 40))
    writeFileSync(file('cccccccc'), JSON.stringify({ ...config('cccccccc'), version: 99 }))
    writeFileSync(file('dddddddd'), JSON.stringify({ ...config('dddddddd'), memoryMiB: 'lots' }))
    const vms = await store.list()
    expect(vms.map((v) => [v.id, v.ok])).toEqual([
      ['aaaaaaaa', true],
      ['bbbbbbbb', false],
      ['cccccccc', false],
      ['dddddddd', false],
    ])
    const reasons = vms.flatMap((v) => (v.ok ? [] : [v.reason]))
    expect(reasons[0]).toMatch(/not valid JSON/)
    expect(reasons[1]).toMatch(/newer Vireo.*Update Vireo/)
    expect(reasons[2]).toMatch(/memoryMiB/)
    await expect(store.get('bbbbbbbb')).rejects.toMatchObject({
      code: 'VM_BROKEN',
      hint: expect.stringMatching(/disks were left untouched/),
    })
    // The broken VMs' disks are still there.
    for (const id of ['bbbbbbbb', 'cccccccc', 'dddddddd'])
      expect(existsSync(join(store.dirOf(id), 'disk0.qcow2'))).toBe(true)
  })

  it('says NOT_FOUND for a VM that has no folder', async () => {
    await expect(store.get('zzzzzzzz')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('replaces vm.json atomically and leaves no temp file behind', async () => {
    await add(config('aaaaaaaa'))
    await store.save({ ...config('aaaaaaaa'), memoryMiB: 1024 })
    expect((await store.get('aaaaaaaa')).memoryMiB).toBe(1024)
    expect(existsSync(join(store.dirOf('aaaaaaaa'), 'vm.json'))).toBe(true)
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(store.dirOf('aaaaaaaa')).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('refuses to save an invalid definition and keeps the old one', async () => {
    await add(config('aaaaaaaa'))
    await expect(store.save({ ...config('aaaaaaaa'), cpus: 0 })).rejects.toThrow()
    expect((await store.get('aaaaaaaa')).cpus).toBe(1)
  })

  it('keeps the disks on delete when asked, moving them out of the VM list', async () => {
    await add(config('aaaaaaaa'))
    const disk = join(store.dirOf('aaaaaaaa'), 'disk0.qcow2')
    const kept = await store.remove('aaaaaaaa', [disk])
    expect(kept).toEqual([join(root, 'kept-disks', 'aaaaaaaa', 'disk0.qcow2')])
    expect(readFileSync(kept[0] ?? '', 'utf8')).toBe('disk bytes')
    expect(existsSync(join(root, 'kept-disks', 'aaaaaaaa', 'vm.json'))).toBe(false)
    expect(await store.list()).toEqual([])
  })

  it('removes the whole folder when no disk is kept', async () => {
    await add(config('aaaaaaaa'))
    await store.remove('aaaaaaaa')
    expect(existsSync(store.dirOf('aaaaaaaa'))).toBe(false)
  })

  it('ignores folders that are not VM ids', async () => {
    await mkdir(join(root, 'vms', '.trash'), { recursive: true })
    await mkdir(join(root, 'vms', 'Not An Id'), { recursive: true })
    expect(await store.list()).toEqual([])
  })
})
