// Over 300 lines: the core's fault cases through Vireo, sharing one harness and its clean-up.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiOf } from '../api/testing/api-client'
import { fillUp, remount } from './testing/fault-support'
import { VireoHarness } from './testing/vireo-harness'

// FAULTS.md, storage and input cases, through the API dispatcher every front end uses:
// full and read-only file systems (real tmpfs mounts), broken definitions, hostile images,
// impossible sizes and files that are not what they claim.
const harness = new VireoHarness('vireo-faults-core-')
const root = harness.root
const api = (name: string) => apiOf(harness.front(name, { watch: true }))

const small = {
  source: { kind: 'none' },
  diskSize: '64K',
  diskFormat: 'raw',
  memoryMiB: 64,
  cpus: 1,
} as const

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

describe('a full or read-only disk', () => {
  it('FAULTS 13: a full data disk while creating a VM: NO_SPACE, no VM listed, nothing left behind', async ({
    skip,
  }) => {
    const cannot = await harness.tmpfs('full-create', 'size=1m,mode=0700')
    if (cannot !== null) skip(cannot)
    const home = join(root, 'full-create')
    const { ok, fails } = api('full-create')
    await ok('createVm', { name: 'first', ...small })
    fillUp(join(home, 'filler'))
    const error = await fails('createVm', { name: 'second', ...small })
    expect(error).toMatchObject({
      code: 'NO_SPACE',
      hint: expect.stringMatching(/[Ff]ree some space/),
    })
    expect((await ok('listVms', {})).map((vm) => vm.name)).toEqual(['first'])
    expect(readdirSync(join(home, 'vms'))).toHaveLength(1)
  })

  it('FAULTS 13: no inode left for the VM’s folder: NO_SPACE, not an internal error', async ({
    skip,
  }) => {
    const cannot = await harness.tmpfs('no-inodes', 'size=1m,nr_inodes=16,mode=0700')
    if (cannot !== null) skip(cannot)
    const home = join(root, 'no-inodes')
    const { ok, fails } = api('no-inodes')
    mkdirSync(join(home, 'vms'))
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(home, `f${i}`), '')
      } catch {
        break
      }
    }
    expect(await fails('createVm', { name: 'no room', ...small })).toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringMatching(/full/),
    })
    expect(await ok('listVms', {})).toEqual([])
  })

  it('FAULTS 13: a VM still being made (a long import) is never listed half-made; one whose making was cut short never shows up', async () => {
    const home = join(root, 'staging')
    const { ok } = api('staging')
    const big = join(root, 'big.raw')
    await execa('dd', ['if=/dev/urandom', `of=${big}`, 'bs=1M', 'count=96', 'status=none'])
    const seen: string[] = []
    let done = false
    const creating = ok('createVm', {
      name: 'imported',
      source: { kind: 'import', path: big },
      memoryMiB: 64,
      cpus: 1,
    }).finally(() => (done = true))
    while (!done) {
      for (const vm of await ok('listVms', {})) seen.push(`${vm.name}: ${vm.broken ?? 'ok'}`)
      await new Promise((r) => setTimeout(r, 10))
    }
    const vm = await creating
    expect(new Set(seen)).toEqual(new Set(seen.length > 0 ? ['imported: ok'] : []))
    expect(vm.disks[0]?.virtualBytes).toBe(96 * 1024 ** 2)
    // As a front end killed in the middle of making one would leave it:
    mkdirSync(join(home, 'vms', '.new-abcdefgh12'))
    writeFileSync(join(home, 'vms', '.new-abcdefgh12', 'disk0.qcow2'), 'partial')
    expect((await ok('listVms', {})).map((v) => v.name)).toEqual(['imported'])
    rmSync(big)
  })

  it('FAULTS 15: saving settings on a full, then a read-only disk fails clearly and keeps the old vm.json; once fixed, saving works', async ({
    skip,
  }) => {
    const cannot = await harness.tmpfs('full-save', 'size=1m,mode=0700')
    if (cannot !== null) skip(cannot)
    const home = join(root, 'full-save')
    const { ok, fails } = api('full-save')
    const vm = await ok('createVm', { name: 'keep me', ...small, memoryMiB: 128 })
    const file = join(vm.dir, 'vm.json')
    const before = readFileSync(file, 'utf8')
    const filler = join(home, 'filler')
    fillUp(filler)

    const full = await fails('updateVm', { id: vm.id, changes: { name: 'renamed', memoryMiB: 96 } })
    expect(full).toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringMatching(/ENOSPC.*previous settings are intact/),
    })
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(readdirSync(vm.dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
    // The VM still starts (its log cannot grow; a guest that writes would be paused).
    expect((await ok('startVm', { id: vm.id })).state).toBe('running')
    await ok('forceOffVm', { id: vm.id })

    await remount(join(root, 'full-save'), 'ro')
    const readOnly = await fails('updateVm', { id: vm.id, changes: { name: 'renamed' } })
    expect(readOnly).toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringMatching(/EROFS.*previous settings are intact/),
    })
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect((await ok('getVm', { id: vm.id })).name).toBe('keep me')

    await remount(join(root, 'full-save'), 'rw')
    rmSync(filler)
    expect((await ok('updateVm', { id: vm.id, changes: { name: 'renamed' } })).name).toBe('renamed')
  })
})

describe('broken definitions', () => {
  const home = join(root, 'broken')
  const { vireo, ok, fails } = api('broken')
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    for (const name of ['healthy', 'truncated', 'empty', 'invalid', 'newer', 'missing']) {
      ids[name] = (
        await ok('createVm', { name, ...small, diskFormat: 'qcow2', diskSize: '16M' })
      ).id
    }
    const file = (name: string) => join(vireo.store.dirOf(ids[name] ?? ''), 'vm.json')
    const text = readFileSync(file('truncated'), 'utf8')
    writeFileSync(file('truncated'), text.slice(0, text.length / 2))
    writeFileSync(file('empty'), '')
    writeFileSync(
      file('invalid'),
      JSON.stringify({ ...JSON.parse(readFileSync(file('invalid'), 'utf8')), cpus: 'many' }),
    )
    writeFileSync(
      file('newer'),
      JSON.stringify({
        ...JSON.parse(readFileSync(file('newer'), 'utf8')),
        version: 7,
        newThing: true,
      }),
    )
    rmSync(file('missing'))
  })

  it('FAULTS 16: each broken vm.json is listed as broken with its reason; the healthy VM loads', async () => {
    const listed = new Map((await ok('listVms', {})).map((vm) => [vm.id, vm]))
    expect(listed.get(ids.healthy ?? '')).toMatchObject({ name: 'healthy', broken: null })
    const reasons = {
      truncated: /not valid JSON \(truncated or edited\?\)/,
      empty: /not valid JSON/,
      invalid: /invalid at "cpus"/,
      newer: /newer Vireo \(config version 7.*Update Vireo/,
      missing: /vm\.json is missing/,
    }
    for (const [name, reason] of Object.entries(reasons)) {
      expect(listed.get(ids[name] ?? ''), name).toMatchObject({
        broken: expect.stringMatching(reason),
        state: 'stopped',
      })
      expect((await ok('getVm', { id: ids[name] ?? '' })).config).toBeNull()
    }
  })

  it('FAULTS 16: a broken VM cannot be started or changed, and says how to fix it', async () => {
    for (const method of ['startVm', 'ejectIso'] as const) {
      expect(await fails(method, { id: ids.newer })).toMatchObject({
        code: 'VM_BROKEN',
        hint: expect.stringMatching(/disks were left untouched/),
      })
    }
    expect(
      await fails('updateVm', { id: ids.truncated, changes: { memoryMiB: 128 } }),
    ).toMatchObject({ code: 'VM_BROKEN' })
  })

  it('FAULTS 16: deleting a broken VM keeps its disks (moved out of the list) unless they are asked for too', async () => {
    const kept = await ok('deleteVm', { id: ids.truncated ?? '', deleteDisks: false })
    expect(kept.keptDisks).toContain(join(home, 'kept-disks', ids.truncated ?? '', 'disk0.qcow2'))
    for (const path of kept.keptDisks) expect(existsSync(path)).toBe(true)
    const gone = await ok('deleteVm', { id: ids.empty ?? '', deleteDisks: true })
    expect(gone.keptDisks).toEqual([])
    expect(existsSync(vireo.store.dirOf(ids.empty ?? ''))).toBe(false)
    const names = (await ok('listVms', {})).map((vm) => vm.id)
    expect(names).not.toContain(ids.truncated)
    expect(names).toContain(ids.healthy)
  })
})

describe('an untrusted image', () => {
  const home = join(root, 'images')
  const { vireo, ok, fails } = api('images')
  const secret = join(root, 'host-secret.raw')
  const untrusted = join(root, 'downloads', 'evil.qcow2')

  beforeAll(async () => {
    writeFileSync(secret, 'a host file the guest must not see\n'.repeat(1000))
    mkdirSync(join(root, 'downloads'))
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', secret, '-F', 'raw', untrusted])
  })

  it('FAULTS 20: importing a qcow2 whose backing file is a host file is refused, naming the file; no VM is made', async () => {
    const error = await fails('createVm', {
      name: 'evil',
      source: { kind: 'import', path: untrusted },
    })
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(secret),
      details: { externalFile: secret },
    })
    expect(await ok('listVms', {})).toEqual([])
    expect(existsSync(join(home, 'vms')) ? readdirSync(join(home, 'vms')) : []).toEqual([])
  })

  it('FAULTS 20: a VM whose disk has a backing chain shows it (from qemu-img info), and QEMU gets an explicit format', async () => {
    const vm = await ok('createVm', { name: 'hand-edited', ...small })
    const config = await vireo.store.get(vm.id)
    await vireo.store.save({
      ...config,
      disks: [{ file: untrusted, format: 'qcow2', bus: 'virtio' }],
    })
    const details = await ok('getVm', { id: vm.id })
    expect(details.disks[0]).toMatchObject({ path: untrusted, backingFiles: [secret] })
    expect(details.argv?.join(' ')).toContain(`file=${untrusted},format=qcow2,`)
  })
})

describe('bad input', () => {
  const home = join(root, 'inputs')
  const { vireo, ok, fails } = api('inputs')
  const count = () => (existsSync(join(home, 'vms')) ? readdirSync(join(home, 'vms')).length : 0)

  it('FAULTS 23: sizes: 0, -5G, 10ZB, abc, beyond the limit or the free space are refused clearly; 1.5G is 1.5 GiB', async () => {
    const refused: [string, RegExp][] = [
      ['0', /zero/],
      ['-5G', /negative/],
      ['10ZB', /too large/],
      ['abc', /not a size/],
      ['65T', /too large/],
      ['60T', /Not enough disk space.*free/],
    ]
    for (const [diskSize, message] of refused) {
      const error = await fails('createVm', { name: `size ${diskSize}`, ...small, diskSize })
      expect(error.message, diskSize).toMatch(message)
      expect(['INVALID_INPUT', 'NO_SPACE']).toContain(error.code)
    }
    expect(count()).toBe(0)
    const vm = await ok('createVm', {
      name: 'one and a half',
      ...small,
      diskFormat: 'qcow2',
      diskSize: '1.5G',
    })
    expect(vm.disks[0]?.virtualBytes).toBe(1.5 * 1024 ** 3)
    await ok('deleteVm', { id: vm.id, deleteDisks: true })
  })

  it('FAULTS 24: memory or vCPUs beyond the host are refused with the host’s figures, at create and at update', async () => {
    const host = await ok('hostCheck', {})
    const memory = await fails('createVm', {
      name: 'huge',
      ...small,
      memoryMiB: host.memory.totalMiB + 1,
    })
    expect(memory).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${host.memory.totalMiB} MiB`),
      details: { field: 'memoryMiB' },
    })
    const cpus = await fails('createVm', { name: 'wide', ...small, cpus: host.cpus + 1 })
    expect(cpus).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${host.cpus} cores`),
      details: { field: 'cpus' },
    })
    expect(count()).toBe(0)
    const vm = await ok('createVm', { name: 'fits', ...small })
    expect(
      await fails('updateVm', { id: vm.id, changes: { memoryMiB: host.memory.totalMiB + 1 } }),
    ).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'memoryMiB' } })
    expect(await fails('updateVm', { id: vm.id, changes: { cpus: host.cpus + 1 } })).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'cpus' },
    })
    expect((await ok('getVm', { id: vm.id })).memoryMiB).toBe(64)
    await ok('deleteVm', { id: vm.id, deleteDisks: true })
  })

  it('FAULTS 25: a non-ISO file, a folder, a missing file, a pipe, a relative path as ISO: clear errors, quickly, nothing made', async () => {
    const fifo = join(root, 'pipe.iso')
    await execa('mkfifo', [fifo])
    const cases: [string, RegExp][] = [
      ['/etc/hostname', /not an ISO image/],
      [root, /is a folder/],
      [join(root, 'nope.iso'), /does not exist/],
      [fifo, /not a file/],
      ['relative.iso', /not an absolute path/],
    ]
    for (const [path, message] of cases) {
      const began = Date.now()
      const error = await fails('createVm', {
        name: 'iso',
        ...small,
        source: { kind: 'iso', path },
      })
      expect(error.message, path).toMatch(message)
      expect(Date.now() - began).toBeLessThan(2000)
    }
    expect(count()).toBe(0)
  })

  it('FAULTS 25: the same refusals when changing or inserting the ISO of a VM, running or not', async () => {
    const vm = await ok('createVm', {
      name: 'cd changes',
      ...small,
      memoryMiB: 128,
      diskFormat: 'qcow2',
      diskSize: '16M',
    })
    expect(
      await fails('updateVm', { id: vm.id, changes: { cdrom: 'relative.iso' } }),
    ).toMatchObject({ code: 'INVALID_INPUT' })
    expect(
      await fails('updateVm', { id: vm.id, changes: { cdrom: '/etc/hostname' } }),
    ).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not an ISO/) })
    await ok('startVm', { id: vm.id })
    expect(await fails('insertIso', { id: vm.id, path: '/etc/hostname' })).toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(await fails('insertIso', { id: vm.id, path: join(root, 'nope.iso') })).toMatchObject({
      code: 'FILE_MISSING',
    })
    expect((await ok('getVm', { id: vm.id })).state).toBe('running')
    expect((await vireo.store.get(vm.id)).cdrom).toBeNull()
    await ok('forceOffVm', { id: vm.id })
    await ok('deleteVm', { id: vm.id, deleteDisks: true })
  })
})
