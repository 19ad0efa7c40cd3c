import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { VireoPaths } from '../paths'
import { checkHost } from './host-check'
import { PROBE_CACHE_FILE } from './probe-cache'

const root = mkdtempSync(join(tmpdir(), 'vireo-host-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const paths: VireoPaths = {
  home: join(root, 'not-yet', 'vireo'),
  vms: join(root, 'not-yet', 'vireo', 'vms'),
  runtime: join(root, 'run'),
}

describe('checkHost on this machine (real QEMU)', () => {
  it('gives a coherent report: QEMU found, VMs can run, accel follows KVM usability', async () => {
    const r = await checkHost({ paths })
    expect(r.qemu?.path).toMatch(/qemu-system-x86_64$/)
    expect(r.qemu?.version).toMatch(/^\d+\.\d+(\.\d+)?$/)
    expect(r.qemuImg?.path).toMatch(/qemu-img$/)
    expect(r.ok).toBe(true)

    expect(r.kvm.present).toBe(existsSync('/dev/kvm'))
    expect(r.accel).toBe(r.kvm.usable ? 'kvm' : 'tcg')
    if (!r.kvm.present) {
      expect(r.kvm).toMatchObject({ permitted: false, usable: false })
      expect(r.accelReason).toMatch(/^KVM is not available: \/dev\/kvm does not exist/)
    }
    if (r.accel === 'tcg') {
      expect(r.accelReason).toMatch(/Using TCG \(software emulation, slower\)\.$/)
      expect(r.items.find((i) => i.id === 'kvm')?.status).toBe('warning')
    }

    expect(r.memory.totalMiB).toBeGreaterThan(0)
    expect(r.memory.availableMiB).toBeLessThanOrEqual(r.memory.totalMiB)
    expect(r.cpus).toBeGreaterThanOrEqual(1)
    // The VM folder does not exist yet: free space is measured at its nearest existing parent.
    expect(r.disk.path).toBe(root)
    expect(r.disk.freeBytes).toBeGreaterThan(0)
    if (existsSync('/usr/share/OVMF/OVMF_CODE_4M.fd')) {
      expect(r.firmware.uefi).toEqual({
        code: '/usr/share/OVMF/OVMF_CODE_4M.fd',
        vars: '/usr/share/OVMF/OVMF_VARS_4M.fd',
      })
    }
    expect(r.items.map((i) => i.id)).toEqual([
      'qemu',
      'qemu-img',
      'kvm',
      'firmware',
      'memory',
      'cpus',
      'disk',
      'secure-boot',
      'swtpm',
    ])
    // setup.sh installs both: the check finds them where Debian puts them.
    expect(r.tpm.swtpm).toBe('/usr/bin/swtpm')
    expect(r.firmware.secureBoot).toEqual({
      code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd',
      vars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd',
    })
    for (const i of r.items) {
      expect(i.title).not.toBe('')
      if (i.status !== 'ok') expect(i.fix).toBeTruthy()
    }
  })

  it('says which packages to install when QEMU is not on PATH', async () => {
    const r = await checkHost({ paths, env: { PATH: join(root, 'empty-bin') } })
    expect(r.ok).toBe(false)
    expect(r.qemu).toBeNull()
    expect(r.qemuImg).toBeNull()
    expect(r.accel).toBe('tcg')
    const qemu = r.items.find((i) => i.id === 'qemu')
    expect(qemu).toMatchObject({ status: 'error', title: 'QEMU is not installed' })
    expect(qemu?.fix).toMatch(/apt install qemu-system-x86.*dnf install qemu-kvm/)
    expect(r.items.find((i) => i.id === 'qemu-img')?.fix).toMatch(
      /apt install qemu-utils.*dnf install qemu-img/,
    )
  })

  // Only where /dev/kvm opens (working KVM, or nested KVM that hangs): the probe ran once.
  it('keeps the KVM probe result for this boot, and re-probes on refresh', async ({ skip }) => {
    if (!existsSync('/dev/kvm')) skip('no /dev/kvm here, so there is no KVM probe to keep')
    const first = await checkHost({ paths, refresh: true })
    if (!first.kvm.permitted)
      skip(`/dev/kvm cannot be opened, so the KVM probe never runs: ${first.accelReason}`)
    const cached = JSON.parse(readFileSync(join(paths.runtime, PROBE_CACHE_FILE), 'utf8')) as {
      usable: boolean
    }
    expect(cached.usable).toBe(first.kvm.usable)
    const started = Date.now()
    const second = await checkHost({ paths })
    expect(second.kvm.usable).toBe(first.kvm.usable)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('runs the KVM probe in the private runtime folder, leaving the temp dir untouched', async ({
    skip,
  }) => {
    if (!existsSync('/dev/kvm')) skip('no /dev/kvm here, so the KVM probe never runs')
    const scratch = mkdtempSync(join(root, 'tmp-'))
    const before = statSync(scratch).mtimeMs
    const saved = process.env.TMPDIR
    process.env.TMPDIR = scratch
    try {
      const report = await checkHost({ paths, refresh: true })
      if (!report.kvm.permitted)
        skip(`/dev/kvm cannot be opened, so the KVM probe never runs: ${report.accelReason}`)
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
    }
    // Not even a folder made and removed again there.
    expect(statSync(scratch).mtimeMs).toBe(before)
    expect(readdirSync(paths.runtime).filter((n) => n.startsWith('vireo-probe-'))).toEqual([])
  })
})
