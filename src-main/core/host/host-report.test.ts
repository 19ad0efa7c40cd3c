import { describe, expect, it } from 'vitest'
import { msg } from '../errors'
import type { KvmDevice } from './host-facts'
import { buildHostReport, type HostObservations } from './host-report'
import type { HostCheckItem, HostReport } from './types'

const workingKvm: KvmDevice = {
  present: true,
  permitted: true,
  error: null,
  group: 'kvm',
  userInGroup: true,
  sessionHasGroup: true,
}

function observe(changes: Partial<HostObservations> = {}): HostObservations {
  return {
    qemu: { status: 'found', info: { path: '/usr/bin/qemu-system-x86_64', version: '7.2.22' } },
    qemuImg: { status: 'found', info: { path: '/usr/bin/qemu-img', version: '7.2.22' } },
    kvmDevice: workingKvm,
    probe: { usable: true, reason: 'a test guest ran in 180 ms' },
    cpuFlags: ['vmx'],
    modules: ['kvm', 'kvm_intel'],
    uefi: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
    secureBoot: { code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' },
    swtpm: '/usr/bin/swtpm',
    memory: { totalMiB: 16_000, availableMiB: 12_000 },
    cpus: 8,
    disk: { path: '/home/u/.local/share/vireo', freeBytes: 200 * 1024 ** 3 },
    ...changes,
  }
}

function item(report: HostReport, id: string): HostCheckItem {
  const found = report.items.find((i) => i.id === id)
  if (found === undefined) throw new Error(`no item ${id}`)
  return found
}

describe('buildHostReport', () => {
  it('chooses KVM on a healthy host, with every item ok', () => {
    const r = buildHostReport(observe())
    expect(r.ok).toBe(true)
    expect(r.accel).toBe('kvm')
    expect(r.accelReason).toBe('KVM works (a test guest ran in 180 ms).')
    expect(r.kvm).toEqual({
      present: true,
      permitted: true,
      usable: true,
      reason: 'KVM works',
      cpuFlags: ['vmx'],
      modules: ['kvm', 'kvm_intel'],
    })
    expect(r.items.map((i) => [i.id, i.status])).toEqual([
      ['qemu', 'ok'],
      ['qemu-img', 'ok'],
      ['kvm', 'ok'],
      ['firmware', 'ok'],
      ['memory', 'ok'],
      ['cpus', 'ok'],
      ['disk', 'ok'],
      ['secure-boot', 'ok'],
      ['swtpm', 'ok'],
    ])
    expect(item(r, 'qemu').title).toBe('QEMU 7.2.22')
  })

  it('names the packages to install when QEMU and qemu-img are missing', () => {
    const r = buildHostReport(
      observe({ qemu: { status: 'missing' }, qemuImg: { status: 'missing' }, probe: null }),
    )
    expect(r.ok).toBe(false)
    expect(r.qemu).toBeNull()
    expect(r.accel).toBe('tcg')
    const qemu = item(r, 'qemu')
    expect(qemu).toMatchObject({ status: 'error', title: 'QEMU is not installed' })
    expect(qemu.fix).toContain('sudo apt install qemu-system-x86')
    expect(qemu.fix).toContain('sudo dnf install qemu-kvm')
    const qemuImg = item(r, 'qemu-img')
    expect(qemuImg.fix).toContain('sudo apt install qemu-utils')
    expect(qemuImg.fix).toContain('sudo dnf install qemu-img')
    expect(item(r, 'kvm').title).toBe('KVM not tested')
  })

  it('reports a QEMU that is there but does not run', () => {
    const r = buildHostReport(
      observe({
        qemuImg: { status: 'broken', path: '/usr/bin/qemu-img', message: 'exited with code 127' },
      }),
    )
    expect(r.ok).toBe(false)
    expect(item(r, 'qemu-img')).toMatchObject({
      status: 'error',
      title: 'qemu-img does not work',
      detail: '/usr/bin/qemu-img is there but failed to run: exited with code 127',
    })
  })

  it('falls back to TCG with a visible warning when /dev/kvm is missing', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: {
          ...workingKvm,
          present: false,
          permitted: false,
          error: 'ENOENT',
          group: null,
        },
        probe: null,
        cpuFlags: [],
        modules: [],
      }),
    )
    expect(r.ok).toBe(true)
    expect(r.accel).toBe('tcg')
    expect(r.kvm).toMatchObject({ present: false, permitted: false, usable: false })
    expect(r.accelReason).toMatch(
      /^KVM is not available: \/dev\/kvm does not exist.*Using TCG \(software emulation, slower\)\.$/,
    )
    const kvm = item(r, 'kvm')
    expect(kvm.status).toBe('warning')
    expect(kvm.title).toBe('KVM is not available')
    // The panel shows "title — detail": the detail says the cause without the title again.
    expect(kvm.detail).toMatch(/^\/dev\/kvm does not exist and the CPU shows no hardware/)
    expect(kvm.fix).toMatch(/VT-x or AMD-V/)
  })

  it('suggests loading the right module when the CPU has virtualisation but no module is loaded', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: {
          ...workingKvm,
          present: false,
          permitted: false,
          error: 'ENOENT',
          group: null,
        },
        probe: null,
        cpuFlags: ['svm'],
        modules: [],
      }),
    )
    expect(item(r, 'kvm').fix).toContain('sudo modprobe kvm_amd')
  })

  it('says to join group kvm (never chmod) when /dev/kvm is not permitted', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: {
          ...workingKvm,
          permitted: false,
          error: 'EACCES',
          userInGroup: false,
          sessionHasGroup: false,
        },
        probe: null,
      }),
    )
    expect(r.accel).toBe('tcg')
    expect(r.kvm).toMatchObject({ present: true, permitted: false, usable: false })
    expect(r.accelReason).toBe(
      'No permission to use KVM: this user may not open /dev/kvm (permission denied). Using TCG (software emulation, slower).',
    )
    const kvm = item(r, 'kvm')
    expect(kvm.title).toBe('No permission to use KVM')
    expect(kvm.fix).toBe(
      'Add yourself to group kvm: sudo usermod -aG kvm $USER, then log out and back in.',
    )
    expect(kvm.fix).not.toMatch(/chmod/)
  })

  it('says to log in again when the user was added to group kvm after this session began', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: {
          ...workingKvm,
          permitted: false,
          error: 'EACCES',
          userInGroup: true,
          sessionHasGroup: false,
        },
        probe: null,
      }),
    )
    expect(item(r, 'kvm').fix).toMatch(/already in group kvm.*log out and back in/)
  })

  it('explains a KVM that is present but fails the functional probe, and chooses TCG', () => {
    const reason = 'a test guest did not finish in 5 s (nested virtualisation?)'
    const reasonText = msg('host.probe.timeout', { time: '5 s' })
    const r = buildHostReport(observe({ probe: { usable: false, reason, reasonText }, cpuFlags: [] }))
    expect(r.ok).toBe(true)
    expect(r.accel).toBe('tcg')
    expect(r.kvm).toMatchObject({ present: true, permitted: true, usable: false })
    expect(r.accelReason).toBe(
      'KVM is present but not usable: a test guest did not finish in 5 s (nested virtualisation?). Using TCG (software emulation, slower).',
    )
    expect(item(r, 'kvm')).toMatchObject({
      status: 'warning',
      title: 'KVM is present but not usable',
    })
    expect(item(r, 'kvm').detail).toMatch(
      /^KVM test: a test guest did not finish in 5 s \(nested virtualisation\?\)\. VMs run with TCG/,
    )
    // A probe answer cached before messages has the English only, and reads as it did.
    const old = buildHostReport(observe({ probe: { usable: false, reason }, cpuFlags: [] }))
    expect(item(old, 'kvm').detail).toMatch(/^A test guest did not finish in 5 s/)
  })

  it('warns about missing UEFI firmware, low memory and low disk space', () => {
    const r = buildHostReport(
      observe({
        uefi: null,
        memory: { totalMiB: 2048, availableMiB: 300 },
        disk: { path: '/home/u', freeBytes: 2 * 1024 ** 3 },
      }),
    )
    expect(r.ok).toBe(true)
    expect(item(r, 'firmware')).toMatchObject({ status: 'warning' })
    expect(item(r, 'firmware').fix).toMatch(/apt install ovmf.*dnf install edk2-ovmf/)
    expect(item(r, 'memory')).toMatchObject({
      status: 'warning',
      detail: '300 MiB of 2 GiB available.',
    })
    expect(item(r, 'disk')).toMatchObject({ status: 'warning', detail: '2 GiB free at /home/u.' })
  })
})

describe('buildHostReport without /dev/kvm', () => {
  const noDevice: KvmDevice = {
    present: false,
    permitted: false,
    error: 'ENOENT',
    group: null,
    userInGroup: false,
    sessionHasGroup: false,
  }

  it('does not count the generic kvm module as KVM being set up', () => {
    const r = buildHostReport(
      observe({ kvmDevice: noDevice, probe: null, cpuFlags: [], modules: ['kvm'] }),
    )
    expect(r.kvm.reason).toMatch(/CPU shows no hardware virtualisation/)
  })

  it('asks for a reboot when the vendor module is loaded yet /dev/kvm is missing', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: noDevice,
        probe: null,
        cpuFlags: ['vmx'],
        modules: ['kvm', 'kvm_intel'],
      }),
    )
    expect(r.kvm.reason).toMatch(/although KVM modules are loaded/)
  })

  it('reports a device node without a driver', () => {
    const r = buildHostReport(
      observe({
        kvmDevice: { ...noDevice, present: true, error: 'ENXIO', group: 'kvm' },
        probe: null,
        cpuFlags: ['vmx'],
        modules: ['kvm'],
      }),
    )
    expect(r.kvm).toMatchObject({ present: true, permitted: false, usable: false })
    expect(item(r, 'kvm').fix).toContain('sudo modprobe kvm_intel')
  })

  it('says when swtpm or the Secure Boot OVMF is missing, and how to install them', () => {
    const r = buildHostReport(observe({ swtpm: null, secureBoot: null }))
    expect(r.ok).toBe(true)
    expect(r.tpm).toEqual({ swtpm: null })
    expect(item(r, 'swtpm')).toMatchObject({ status: 'warning', title: 'swtpm is not installed', fix: expect.stringContaining('apt install swtpm swtpm-tools') })
    expect(item(r, 'secure-boot')).toMatchObject({ status: 'warning', fix: expect.stringContaining('apt install ovmf') })
  })
})
