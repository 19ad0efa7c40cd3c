import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROBE_CACHE_FILE, probeCacheKey, readProbeCache, writeProbeCache } from './probe-cache'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vireo-cache-test-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const key = {
  bootId: 'boot-1',
  qemuPath: '/usr/bin/qemu-system-x86_64',
  qemuMtimeMs: 1000,
  qemuSize: 42,
}
const broken = {
  usable: false,
  reason: 'a test guest did not finish in 5 s (nested virtualisation?)',
}

describe('the KVM probe cache', () => {
  it('gives back what was recorded for the same boot and QEMU binary', async () => {
    const runtime = join(dir, 'runtime')
    await writeProbeCache(runtime, key, broken)
    expect(await readProbeCache(runtime, key)).toEqual(broken)
    const saved = JSON.parse(readFileSync(join(runtime, PROBE_CACHE_FILE), 'utf8')) as unknown
    expect(saved).toMatchObject({ version: 1, ...key, ...broken })
  })

  it('forgets the result after a reboot', async () => {
    await writeProbeCache(dir, key, broken)
    expect(await readProbeCache(dir, { ...key, bootId: 'boot-2' })).toBeNull()
  })

  it('forgets the result when the QEMU binary was replaced', async () => {
    await writeProbeCache(dir, key, broken)
    expect(await readProbeCache(dir, { ...key, qemuMtimeMs: 2000 })).toBeNull()
    expect(await readProbeCache(dir, { ...key, qemuSize: 43 })).toBeNull()
    expect(
      await readProbeCache(dir, { ...key, qemuPath: '/usr/local/bin/qemu-system-x86_64' }),
    ).toBeNull()
  })

  it('treats a missing or corrupt file as no result', async () => {
    expect(await readProbeCache(dir, key)).toBeNull()
    writeFileSync(join(dir, PROBE_CACHE_FILE), '{"version":1,')
    expect(await readProbeCache(dir, key)).toBeNull()
    writeFileSync(join(dir, PROBE_CACHE_FILE), JSON.stringify({ version: 2, ...key, ...broken }))
    expect(await readProbeCache(dir, key)).toBeNull()
  })

  it('has no key without a boot id or without the binary', async () => {
    expect(await probeCacheKey(null, process.execPath)).toBeNull()
    expect(await probeCacheKey('boot-1', join(dir, 'no-such-qemu'))).toBeNull()
    expect(await probeCacheKey('boot-1', process.execPath)).toMatchObject({
      bootId: 'boot-1',
      qemuPath: process.execPath,
    })
  })
})
