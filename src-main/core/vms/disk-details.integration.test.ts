import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { findProgram } from '../host/host-facts'
import { diskDetails, type KeptDiskDetails } from './disk-details'

// Real qemu-img, behind a wrapper on PATH that notes each run, so a test sees when it is asked.
const root = mkdtempSync(join(tmpdir(), 'vireo-disk-details-test-'))
const log = join(root, 'runs.log')
let real = ''
const savedPath = process.env.PATH
beforeAll(async () => {
  real = (await findProgram('qemu-img')) ?? ''
  if (real === '') throw new Error('qemu-img is not installed')
  const bin = join(root, 'bin')
  mkdirSync(bin)
  writeFileSync(join(bin, 'qemu-img'), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${real}' "$@"\n`)
  chmodSync(join(bin, 'qemu-img'), 0o755)
  process.env.PATH = `${bin}:${savedPath ?? ''}`
})
afterAll(() => {
  process.env.PATH = savedPath
  rmSync(root, { recursive: true, force: true })
})

let n = 0
let vmDir: string
let kept: KeptDiskDetails
beforeEach(() => {
  n++
  vmDir = join(root, `vm-${n}`)
  mkdirSync(vmDir)
  kept = { dir: join(root, `base-${n}`, 'vireo', 'disk-details'), base: join(root, `base-${n}`) }
  writeFileSync(log, '')
})

const qemuImg = (...args: string[]): void => void execFileSync(real, args, { stdio: 'ignore' })
const runs = (): number =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '').length
const disk = { file: 'disk0.qcow2', format: 'qcow2', bus: 'virtio' } as const

describe("a disk's details kept while its files are unchanged (real qemu-img)", () => {
  it('runs qemu-img once for an unchanged disk, and keeps the answer in a private file', async () => {
    qemuImg('create', '-q', '-f', 'qcow2', join(vmDir, 'disk0.qcow2'), '16M')
    const first = await diskDetails(disk, vmDir, kept)
    expect(first).toMatchObject({ virtualBytes: 16 * 2 ** 20, backingFiles: [] })
    expect(await diskDetails(disk, vmDir, kept)).toEqual(first)
    expect(runs()).toBe(1)
    const [file] = readdirSync(kept.dir)
    expect(statSync(join(kept.dir, file ?? '')).mode & 0o777).toBe(0o600)
    expect(statSync(kept.dir).mode & 0o777).toBe(0o700)
  })

  it('asks again when the image changed (a resize), and shows the new size', async () => {
    qemuImg('create', '-q', '-f', 'qcow2', join(vmDir, 'disk0.qcow2'), '16M')
    await diskDetails(disk, vmDir, kept)
    qemuImg('resize', '-q', '-f', 'qcow2', join(vmDir, 'disk0.qcow2'), '32M')
    expect((await diskDetails(disk, vmDir, kept)).virtualBytes).toBe(32 * 2 ** 20)
    expect(runs()).toBe(2)
  })

  it('asks again when a backing file changed, though the overlay did not', async () => {
    const base = join(root, `base-image-${n}.qcow2`)
    qemuImg('create', '-q', '-f', 'qcow2', base, '16M')
    qemuImg('create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', join(vmDir, 'disk0.qcow2'))
    expect((await diskDetails(disk, vmDir, kept)).backingFiles).toEqual([base])
    await diskDetails(disk, vmDir, kept)
    expect(runs()).toBe(1)
    qemuImg('resize', '-q', '-f', 'qcow2', base, '32M')
    await diskDetails(disk, vmDir, kept)
    expect(runs()).toBe(2)
  })

  it('ignores a corrupt record, and does not keep what qemu-img could not read', async () => {
    qemuImg('create', '-q', '-f', 'qcow2', join(vmDir, 'disk0.qcow2'), '16M')
    const first = await diskDetails(disk, vmDir, kept)
    const [file] = readdirSync(kept.dir)
    writeFileSync(join(kept.dir, file ?? ''), '{"version":1,"path":')
    expect(await diskDetails(disk, vmDir, kept)).toEqual(first)
    expect(runs()).toBe(2)
    const missing = { ...disk, file: 'no-such-disk.qcow2' }
    expect(await diskDetails(missing, vmDir, kept)).toMatchObject({
      virtualBytes: null,
      actualBytes: null,
    })
    const perAsk = runs() - 2
    expect(perAsk).toBeGreaterThan(0)
    await diskDetails(missing, vmDir, kept)
    expect(runs()).toBe(2 + 2 * perAsk)
  })
})
