import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectGolden } from '../testing/golden'
import { fedora, fedoraDir, runtimeRoot } from '../testing/vm-configs'
import type { VmConfig } from './config'
import {
  filesToCheck,
  planLaunch,
  type HostFacts,
  type LaunchInputs,
  type LaunchPlan,
} from './launch-plan'

// Golden files for whole launch plans (command line, files to prepare, problems), beside the
// argv goldens: a change to what a start runs, or to what stops it, shows up in review.
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npx vitest run --project unit launch-plan
const goldenDir = join(import.meta.dirname, 'golden', 'plans')

function expectPlan(name: string, plan: LaunchPlan): void {
  expectGolden(`${JSON.stringify(plan, null, 2)}\n`, join(goldenDir, `${name}.json`))
}

const vmDir = fedoraDir
const runtimeDir = `${runtimeRoot}/a1b2c3d4`
const ovmf = { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' }
const secureOvmf = { code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' }
const tcgHost: HostFacts = {
  accel: 'tcg',
  kvmUsable: false,
  accelReason: '/dev/kvm does not exist.',
  uefi: ovmf,
  secureBoot: secureOvmf,
  swtpm: '/usr/bin/swtpm',
  sandbox: true,
}
const kvmHost: HostFacts = { ...tcgHost, accel: 'kvm', kvmUsable: true, accelReason: 'KVM works.' }

const linux = fedora
const uefi: VmConfig = { ...linux, firmware: 'uefi' }

/** Inputs where every file the config names exists, less `missing`. */
function inputs(
  config: VmConfig,
  host: HostFacts,
  missing: string[] = [],
  dirs = { vmDir, runtimeRoot },
): LaunchInputs {
  const present = new Set(filesToCheck(config, dirs.vmDir).filter((p) => !missing.includes(p)))
  return { config, host, ...dirs, present }
}

describe('planLaunch', () => {
  it('runs an automatic VM with the accelerator the host check chose, and nothing stops it', () => {
    const onTcg = planLaunch(inputs(linux, tcgHost))
    const onKvm = planLaunch(inputs(linux, kvmHost))
    expect(onTcg.problems).toEqual([])
    expect(onTcg.argv?.slice(0, 1)).toEqual(['qemu-system-x86_64'])
    expect(onTcg.argv?.join(' ')).toContain('-accel tcg -cpu max')
    expect(onKvm.argv?.join(' ')).toContain('-accel kvm -cpu host')
    expectPlan('auto-on-tcg', onTcg)
  })

  it('refuses a VM set to KVM where KVM cannot be used, saying why, and shows no command line', () => {
    const plan = planLaunch(inputs({ ...linux, accel: 'kvm' }, tcgHost))
    expect(plan.argv).toBeNull()
    expect(plan.problems.map((p) => p.code)).toEqual(['HOST_UNSUPPORTED'])
    expect(plan.problems[0]?.message).toContain('/dev/kvm does not exist.')
    expectPlan('kvm-refused', plan)
  })

  it('gives a UEFI VM its own variable store, copied from OVMF’s on its first start only', () => {
    const first = planLaunch(inputs(uefi, tcgHost, [join(vmDir, 'OVMF_VARS.fd'), join(vmDir, 'OVMF_VARS.fd.made')]))
    const later = planLaunch(inputs(uefi, tcgHost))
    expect(first.prepare).toEqual([
      { kind: 'copy', from: ovmf.vars, to: join(vmDir, 'OVMF_VARS.fd') },
      { kind: 'mark', path: join(vmDir, 'OVMF_VARS.fd.made') },
    ])
    expect(later.prepare).toEqual([])
    expect(first.argv).toEqual(later.argv)
    expect(first.argv).toContain(`if=pflash,format=raw,unit=1,file=${vmDir}/OVMF_VARS.fd`)
    expectPlan('uefi-first-start', first)
  })

  it('refuses a UEFI VM where OVMF is not installed, rather than show a BIOS command line', () => {
    const plan = planLaunch(inputs(uefi, { ...tcgHost, uefi: null }))
    expect(plan.argv).toBeNull()
    expect(plan.prepare).toEqual([])
    expect(plan.problems[0]?.hint).toContain('sudo apt install ovmf')
    expectPlan('uefi-without-ovmf', plan)
  })

  it('names each missing file: the disk to restore, the ISO to eject', () => {
    const disk = join(vmDir, 'disk0.qcow2')
    const plan = planLaunch(inputs(linux, tcgHost, [disk, linux.cdrom!]))
    expect(plan.argv).toBeNull()
    expect(plan.problems.map((p) => [p.code, p.details])).toEqual([
      ['FILE_MISSING', { path: disk }],
      ['FILE_MISSING', { path: linux.cdrom, eject: true }],
    ])
    expectPlan('missing-disk-and-iso', plan)
  })

  it('gives a Windows VM the Hyper-V enlightenments under KVM only, and checks its drivers CD', () => {
    const windows: VmConfig = { ...uefi, hyperv: true, rtc: 'localtime', secondCdrom: '/srv/iso/virtio-win.iso' }
    const onKvm = planLaunch(inputs(windows, kvmHost))
    const onTcg = planLaunch(inputs(windows, tcgHost))
    expect(onKvm.argv?.join(' ')).toContain('-cpu host,hv_relaxed,hv_vapic,hv_spinlocks=0x1fff')
    expect(onTcg.argv?.join(' ')).toContain('-cpu max -m')
    expect(filesToCheck(windows, vmDir)).toContain('/srv/iso/virtio-win.iso')
    expectPlan('windows-hyperv-on-kvm', onKvm)
    const missing = planLaunch(inputs(windows, kvmHost, ['/srv/iso/virtio-win.iso']))
    expect(missing.argv).toBeNull()
    expect(missing.problems.map((p) => [p.code, p.details])).toEqual([['FILE_MISSING', { path: '/srv/iso/virtio-win.iso' }]])
  })

  it('refuses a runtime folder too deep for a socket path, with the fix', () => {
    const deep = `/tmp/${'d'.repeat(100)}/vireo`
    const plan = planLaunch(inputs(linux, tcgHost, [], { vmDir, runtimeRoot: deep }))
    expect(plan.problems).toHaveLength(1)
    expect(plan.problems[0]?.message).toContain('too long for a socket')
    expect(plan.problems[0]?.hint).toContain('XDG_RUNTIME_DIR')
  })

  it('puts every socket and pidfile of the command line in the VM’s runtime folder', () => {
    const plan = planLaunch(inputs(linux, tcgHost))
    for (const file of [
      plan.files.qmpSocket,
      plan.files.ctlSocket,
      plan.files.vncSocket,
      plan.files.pidFile,
    ]) {
      expect(file.startsWith(`${runtimeDir}/`)).toBe(true)
      expect(plan.argv?.some((a) => a.includes(file))).toBe(true)
    }
  })

  it('starts swtpm before QEMU for a VM with a TPM, its state in the VM folder, its socket in the runtime folder', () => {
    const tpm: VmConfig = { ...linux, tpm: true }
    const state = join(vmDir, 'tpm', 'tpm2-00.permall')
    const mark = join(vmDir, 'tpm.made')
    const first = planLaunch(inputs(tpm, tcgHost, [state, mark]))
    expect(first.problems).toEqual([])
    expect(first.prepare).toEqual([
      { kind: 'mkdir', path: join(vmDir, 'tpm') },
      { kind: 'mark', path: mark },
    ])
    expect(first.helpers.map((h) => h.name)).toEqual(['swtpm'])
    expect(first.helpers[0]?.argv).toContain(`dir=${vmDir}/tpm,mode=0600`)
    expect(first.helpers[0]?.argv).toContain('--terminate')
    expect(first.helpers[0]?.socket).toBe(`${runtimeDir}/tpm.sock`)
    expect(first.argv?.join(' ')).toContain(`-chardev socket,id=chrtpm,path=${runtimeDir}/tpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0`)
    expectPlan('tpm-first-start', first)
    expect(planLaunch(inputs(tpm, tcgHost)).prepare).toEqual([])
    expect(planLaunch(inputs(linux, tcgHost)).helpers).toEqual([])
  })

  it('refuses a VM whose TPM state or UEFI variables went missing after use, and makes no fresh one (FAULTS 40)', () => {
    const tpm = planLaunch(inputs({ ...linux, tpm: true }, tcgHost, [join(vmDir, 'tpm', 'tpm2-00.permall')]))
    expect(tpm.argv).toBeNull()
    expect(tpm.prepare).toEqual([])
    expect(tpm.problems.map((p) => p.code)).toEqual(['FILE_MISSING'])
    expect(tpm.problems[0]?.hint).toContain(join(vmDir, 'tpm.made'))
    expectPlan('tpm-state-missing', tpm)
    const vars = planLaunch(inputs(uefi, tcgHost, [join(vmDir, 'OVMF_VARS.fd')]))
    expect(vars.argv).toBeNull()
    expect(vars.prepare).toEqual([])
    expect(vars.problems[0]?.message).toContain('UEFI variable store')
  })

  it('refuses a TPM where swtpm is missing, with how to install it', () => {
    const plan = planLaunch(inputs({ ...linux, tpm: true }, { ...tcgHost, swtpm: null }))
    expect(plan.argv).toBeNull()
    expect(plan.helpers).toEqual([])
    expect(plan.problems[0]?.hint).toContain('swtpm')
  })

  it('boots Secure Boot with the SMM build and a copy of the Microsoft-enrolled variables', () => {
    const secure: VmConfig = { ...uefi, secureBoot: true }
    const vars = join(vmDir, 'OVMF_VARS.secboot.fd')
    const plan = planLaunch(inputs(secure, tcgHost, [vars, `${vars}.made`]))
    expect(plan.problems).toEqual([])
    expect(plan.prepare[0]).toEqual({ kind: 'copy', from: secureOvmf.vars, to: vars })
    const argv = plan.argv?.join(' ') ?? ''
    expect(argv).toContain('-machine q35,vmport=off,smm=on')
    expect(argv).toContain('-global driver=cfi.pflash01,property=secure,value=on')
    expect(argv).toContain(`readonly=on,file=${secureOvmf.code}`)
    expectPlan('secure-boot-first-start', plan)
    const missing = planLaunch(inputs(secure, { ...tcgHost, secureBoot: null }))
    expect(missing.argv).toBeNull()
    expect(missing.problems[0]?.message).toContain('Secure Boot build of OVMF')
    const bios = planLaunch(inputs({ ...linux, secureBoot: true }, tcgHost))
    expect(bios.problems[0]?.message).toContain('Secure Boot needs UEFI')
  })
})
