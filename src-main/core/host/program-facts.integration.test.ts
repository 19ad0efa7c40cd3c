import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { findProgram } from './host-facts'
import { lookUpProgram, QEMU_IMG_PROGRAM, QEMU_PROGRAM } from './host-check'
import { HostService } from './host-service'
import { factFile, type FactsCache } from './program-facts'
import { qemuHasSandbox } from './qemu-features'

// Real programs: wrappers that note each run in a log, then run the real qemu-img / QEMU.
const root = mkdtempSync(join(tmpdir(), 'vireo-facts-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let n = 0
let bin: string
let log: string
let cache: FactsCache
beforeEach(() => {
  n++
  bin = join(root, `bin-${n}`)
  log = join(root, `runs-${n}.log`)
  mkdirSync(bin)
  cache = { runtime: join(root, `base-${n}`, 'vireo'), runtimeBase: join(root, `base-${n}`) }
})

async function wrap(name: string): Promise<string> {
  const real = await findProgram(name)
  if (real === null) throw new Error(`${name} is not installed`)
  const path = join(bin, name)
  writeFileSync(path, `#!/bin/sh\necho "$@" >> '${log}'\nexec '${real}' "$@"\n`)
  chmodSync(path, 0o755)
  return path
}

const runs = (): string[] =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
const env = (): NodeJS.ProcessEnv => ({ PATH: bin })

describe('program facts kept per program file (real qemu-img and QEMU)', () => {
  it('asks qemu-img its version once, and keeps it in a private file', async () => {
    const path = await wrap(QEMU_IMG_PROGRAM)
    const first = await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    expect(first).toMatchObject({ status: 'found', info: { path } })
    expect(await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)).toEqual(first)
    expect(runs()).toEqual(['--version'])
    const file = factFile(cache.runtime, path, 'version')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700)
    expect(statSync(cache.runtime).mode & 0o777).toBe(0o700)
  })

  it('asks again when the program file changed (an upgrade), was replaced, or on refresh', async () => {
    const path = await wrap(QEMU_IMG_PROGRAM)
    await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    // Rewritten in place, with the same size and contents: only mtime and ctime move.
    const later = new Date(statSync(path).mtimeMs + 5000)
    utimesSync(path, later, later)
    const upgraded = await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    expect(upgraded.status).toBe('found')
    expect(runs()).toHaveLength(2)
    await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    expect(runs()).toHaveLength(2)
    // A new file in its place (a package upgrade renames one over it).
    const copy = join(root, `copy-${n}`)
    writeFileSync(copy, readFileSync(path), { mode: 0o755 })
    rmSync(path)
    writeFileSync(path, readFileSync(copy), { mode: 0o755 })
    await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    expect(runs()).toHaveLength(3)
    await lookUpProgram(QEMU_IMG_PROGRAM, env(), { ...cache, refresh: true })
    expect(runs()).toHaveLength(4)
  })

  it('ignores a corrupt or foreign file, and asks again', async () => {
    const path = await wrap(QEMU_IMG_PROGRAM)
    const first = await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)
    const file = factFile(cache.runtime, path, 'version')
    writeFileSync(file, '{"version":1,"stamp":')
    expect(await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)).toEqual(first)
    expect(runs()).toHaveLength(2)
    // Another program's answer under the same name (another qemu-img elsewhere on PATH).
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { stamp: { path: string } }
    kept.stamp.path = '/opt/qemu/bin/qemu-img'
    writeFileSync(file, JSON.stringify(kept))
    expect(await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)).toEqual(first)
    expect(runs()).toHaveLength(3)
    expect(await lookUpProgram(QEMU_IMG_PROGRAM, env(), cache)).toEqual(first)
    expect(runs()).toHaveLength(3)
  })

  it("keeps QEMU's -sandbox answer, and asks again on refresh", async () => {
    const path = await wrap(QEMU_PROGRAM)
    const real = await findProgram(QEMU_PROGRAM)
    const truth = await qemuHasSandbox(real ?? '')
    expect(await qemuHasSandbox(path, cache)).toBe(truth)
    const file = factFile(cache.runtime, path, 'sandbox')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ value: truth, stamp: { path } })
    expect(await qemuHasSandbox(path, { ...cache, refresh: true })).toBe(truth)
    expect(runs()).toEqual(['-help', '-help'])
  })

  it('still answers where the runtime folder cannot be made', async () => {
    await wrap(QEMU_IMG_PROGRAM)
    const blocked = join(root, `blocked-${n}`)
    writeFileSync(blocked, 'a file, not a folder')
    const r = await lookUpProgram(QEMU_IMG_PROGRAM, env(), {
      runtime: join(blocked, 'vireo'),
      runtimeBase: blocked,
    })
    expect(r.status).toBe('found')
  })

  it("a refreshed host check asks QEMU and qemu-img again, the launch plan's -sandbox too", async () => {
    await wrap(QEMU_PROGRAM)
    await wrap(QEMU_IMG_PROGRAM)
    const paths = { home: join(root, `home-${n}`), vms: join(root, `home-${n}`, 'vms'), ...cache }
    const saved = process.env.PATH
    process.env.PATH = bin
    // What was asked, the KVM probe's runs (where /dev/kvm opens) left out.
    const asked = (): string[] =>
      runs()
        .filter((r) => r === '--version' || r === '-help')
        .sort()
    try {
      await new HostService(paths).facts()
      expect(asked()).toEqual(['--version', '--version', '-help'])
      const again = new HostService(paths)
      await again.facts()
      expect(asked()).toHaveLength(3)
      await again.check({ refresh: true })
      await again.facts()
      expect(asked()).toEqual([
        '--version',
        '--version',
        '--version',
        '--version',
        '-help',
        '-help',
      ])
    } finally {
      process.env.PATH = saved
    }
  })
})
