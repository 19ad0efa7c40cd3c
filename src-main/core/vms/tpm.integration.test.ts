import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QmpClient } from '../qmp/qmp-client'
import { processState, until } from '../testing/fault-support'
import { rejection } from '../testing/rejections'
import { testIsoPath } from '../testing/test-iso'
import { pidOf, summaryOf, VireoHarness } from '../testing/vireo-harness'
import type { Vireo } from '../vireo'
import { findHelper, vmHelpers } from './helpers'
import { readPidFile } from './qemu-process'
import { vmRuntimeFiles } from './runtime-files'

// A TPM 2.0 per VM with the real swtpm beside real QEMU (TCG), FAULTS 31, 32 and 40: swtpm
// starts before QEMU, QEMU has the emulator TPM, and swtpm is gone after every kind of stop.
// The guests stay in their firmware (blank disk): the TPM is proven from QEMU's side here.
const harness = new VireoHarness('vireo-tpm-')

beforeAll(() => {
  testIsoPath()
})

afterAll(async () => {
  expect(await harness.tearDown()).toEqual([])
})

async function tpmVm(v: Vireo, name: string): Promise<string> {
  const vm = await v.createVm({ name, source: { kind: 'none' }, diskSize: '16M', diskFormat: 'qcow2', accel: 'auto', memoryMiB: 64, cpus: 1, portForwards: [], start: false })
  await v.updateVm({ id: vm.id, changes: { tpm: true } })
  return vm.id
}

function swtpmOf(v: Vireo, id: string): { pidFile: string; socket: string; name: 'swtpm' } {
  const files = vmRuntimeFiles(join(v.supervisor.runtimeDir(id), '..'), id)
  const [swtpm] = vmHelpers(files)
  if (swtpm === undefined) throw new Error('no swtpm helper')
  return swtpm
}

/** Ended: no process, or a zombie (a daemon's parent is init, which reaps it in its own time). */
function gone(pid: number): boolean {
  const state = processState(pid)
  return state === null || state === 'Z'
}

async function swtpmPid(v: Vireo, id: string): Promise<number | null> {
  return findHelper(swtpmOf(v, id))
}

async function qmp<T>(v: Vireo, id: string, command: string): Promise<T> {
  const client = await QmpClient.connect(join(v.supervisor.runtimeDir(id), 'ctl.sock'))
  try {
    return await client.execute<T>(command)
  } finally {
    client.close()
  }
}

describe('TPM 2.0 with swtpm', () => {
  it('starts swtpm before QEMU, with its state in the VM folder; QEMU has a TPM 2.0 (CRB); force off and SIGKILL of QEMU leave no swtpm', async () => {
    const v = harness.front('home', { watch: true })
    const id = await tpmVm(v, 'tpm-stops')
    expect((await v.startVm({ id })).state).toBe('running')
    const tpmPid = await swtpmPid(v, id)
    expect(tpmPid).not.toBeNull()
    const tpms = await qmp<{ model: string; options: { type: string } }[]>(v, id, 'query-tpm')
    expect(tpms).toMatchObject([{ model: 'tpm-crb', options: { type: 'emulator' } }])
    const dir = join(harness.root, 'home', 'vms', id)
    await until('swtpm to write its state', () => existsSync(join(dir, 'tpm', 'tpm2-00.permall')), 60_000)

    // A live snapshot takes the TPM's state with the memory (the emulator TPM migrates it).
    const [snapshot] = await v.takeSnapshot({ id, name: 'with-tpm' })
    expect(snapshot?.tpmState).toBe(true)
    expect(snapshot?.vmStateBytes).toBeGreaterThan(0)

    await v.forceOffVm({ id })
    expect(gone(tpmPid!)).toBe(true)
    expect(await swtpmPid(v, id)).toBeNull()

    expect((await v.startVm({ id })).state).toBe('running')
    const second = await swtpmPid(v, id)
    expect(second).not.toBeNull()
    process.kill(await pidOf(v, id), 'SIGKILL')
    await until('the kill to be seen', async () => (await summaryOf(v, id)).state === 'crashed', 30_000)
    await until('swtpm to end', () => gone(second!), 10_000)
    await v.deleteVm({ id, deleteDisks: true })
    expect(existsSync(dir)).toBe(false)
  })

  it('FAULTS 31 + 32: swtpm dying while the VM runs is said; a front end that restarts finds swtpm again and never starts a second', async () => {
    const first = harness.front('home', { watch: true })
    const id = await tpmVm(first, 'tpm-faults')
    await first.startVm({ id })
    const tpmPid = await swtpmPid(first, id)
    const qemuPid = await pidOf(first, id)
    first.dispose()

    const second = harness.front('home', { watch: true })
    expect(await summaryOf(second, id)).toMatchObject({ state: 'running', helpersDown: [] })
    expect(await swtpmPid(second, id)).toBe(tpmPid)
    expect(await readPidFile(swtpmOf(second, id).pidFile)).toBe(tpmPid)
    await expect(second.startVm({ id })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' })
    expect(await swtpmPid(second, id)).toBe(tpmPid)

    process.kill(tpmPid!, 'SIGKILL')
    await until('swtpm to die', () => gone(tpmPid!), 10_000)
    expect(await summaryOf(second, id)).toMatchObject({ state: 'running', helpersDown: ['swtpm'] })
    await second.forceOffVm({ id })
    // (QEMU's parent here is this test process, which reaps it a moment later: a zombie is gone.)
    expect(gone(qemuPid!)).toBe(true)
    expect(existsSync(swtpmOf(second, id).pidFile)).toBe(false)
    await second.deleteVm({ id, deleteDisks: true })
  })

  it('FAULTS 40: a lost TPM state is refused with the fix, a damaged one is named; nothing runs, the disk is untouched; a fresh one only once its mark is deleted', async () => {
    const v = harness.front('home', { watch: true })
    const id = await tpmVm(v, 'tpm-lost')
    const dir = join(harness.root, 'home', 'vms', id)
    await v.startVm({ id })
    await until('swtpm to write its state', () => existsSync(join(dir, 'tpm', 'tpm2-00.permall')), 60_000)
    await v.forceOffVm({ id })
    const disk = readFileSync(join(dir, 'disk0.qcow2'))

    writeFileSync(join(dir, 'tpm', 'tpm2-00.permall'), 'not a TPM')
    const damaged = await rejection(v.startVm({ id }))
    expect(damaged).toMatchObject({ code: 'FILE_MISSING', message: expect.stringMatching(/TPM state .* is damaged/) })
    expect(await swtpmPid(v, id)).toBeNull()
    expect((await summaryOf(v, id)).state).toBe('stopped')

    rmSync(join(dir, 'tpm'), { recursive: true })
    const lost = await rejection(v.startVm({ id }))
    expect(lost).toMatchObject({ code: 'FILE_MISSING', hint: expect.stringContaining(join(dir, 'tpm.made')) })
    expect(existsSync(join(dir, 'tpm'))).toBe(false)
    expect(await swtpmPid(v, id)).toBeNull()
    expect(readFileSync(join(dir, 'disk0.qcow2')).equals(disk)).toBe(true)

    rmSync(join(dir, 'tpm.made'))
    expect((await v.startVm({ id })).state).toBe('running')
    await v.forceOffVm({ id })
    await v.deleteVm({ id, deleteDisks: true })
  })

  it('a clone has its own copy of the TPM state', async () => {
    const v = harness.front('home')
    const id = await tpmVm(v, 'tpm-source')
    const dir = join(harness.root, 'home', 'vms', id)
    await v.startVm({ id })
    await until('swtpm to write its state', () => existsSync(join(dir, 'tpm', 'tpm2-00.permall')), 60_000)
    await v.forceOffVm({ id })
    const clone = await v.cloneVm({ id, name: 'tpm-clone' })
    const cloneDir = join(harness.root, 'home', 'vms', clone.id)
    expect(readFileSync(join(cloneDir, 'tpm', 'tpm2-00.permall')).equals(readFileSync(join(dir, 'tpm', 'tpm2-00.permall')))).toBe(true)
    expect(existsSync(join(cloneDir, 'tpm.made'))).toBe(true)
    await v.deleteVm({ id: clone.id, deleteDisks: true })
    await v.deleteVm({ id, deleteDisks: true })
  })

  it('the guest sees a TPM 2.0 (/dev/tpm0, version 2, PCR 0 read through its driver); swtpm is gone after the guest powers off', async () => {
    const v = harness.front('home', { watch: true })
    const vm = await v.createVm({ name: 'tpm-guest', source: { kind: 'iso', path: testIsoPath() }, diskSize: '64M', diskFormat: 'qcow2', accel: 'auto', memoryMiB: 192, cpus: 1, portForwards: [], start: false })
    await v.updateVm({ id: vm.id, changes: { tpm: true } })
    await v.startVm({ id: vm.id })
    const tpmPid = await swtpmPid(v, vm.id)
    expect(tpmPid).not.toBeNull()
    const serial = (): string => readFileSync(join(vm.dir, 'serial.log'), 'utf8')
    const line = await until('the guest to report its TPM', () => serial().split('\n').find((l) => l.startsWith('VIREO-TPM:')) ?? null, 240_000)
    expect(line).toMatch(/^VIREO-TPM: device \/dev\/tpm0 version 2 pcr-sha256-0 [0-9A-F]{64}\s*$/i)
    const stopped = await until('the installer to power off', async () => {
      const s = await summaryOf(v, vm.id)
      return s.state === 'stopped' ? s : null
    }, 300_000)
    expect(stopped.lastStop?.reason).toBe('guest-shutdown')
    await until('swtpm to end', () => gone(tpmPid!), 10_000)
    expect(existsSync(swtpmOf(v, vm.id).pidFile)).toBe(false)
    await v.deleteVm({ id: vm.id, deleteDisks: true })
  })

  it('Secure Boot: refused on BIOS; on UEFI the VM runs the SMM build of OVMF with its own copy of the Microsoft-enrolled variables', async () => {
    const v = harness.front('home', { watch: true })
    const vm = await v.createVm({ name: 'secure-boot', source: { kind: 'none' }, diskSize: '16M', diskFormat: 'qcow2', accel: 'auto', memoryMiB: 64, cpus: 1, portForwards: [], start: false })
    const bios = await rejection(v.updateVm({ id: vm.id, changes: { secureBoot: true } }))
    expect(bios).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Secure Boot needs UEFI') })
    await v.updateVm({ id: vm.id, changes: { firmware: 'uefi', secureBoot: true } })
    expect((await v.startVm({ id: vm.id })).state).toBe('running')
    const vars = join(vm.dir, 'OVMF_VARS.secboot.fd')
    expect(readFileSync(vars).length).toBe(readFileSync('/usr/share/OVMF/OVMF_VARS_4M.ms.fd').length)
    const client = await QmpClient.connect(join(v.supervisor.runtimeDir(vm.id), 'ctl.sock'))
    try {
      expect(await client.execute('qom-get', { path: '/machine', property: 'smm' })).toBe('on')
      const flash = await client.execute<{ device: string; inserted?: { file: string; ro: boolean } }[]>('query-block')
      const files = flash.map((b) => b.inserted).filter((i) => i !== undefined)
      expect(files.some((f) => f.file === '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd' && f.ro)).toBe(true)
      expect(files.some((f) => f.file === vars && !f.ro)).toBe(true)
    } finally {
      client.close()
    }
    await v.forceOffVm({ id: vm.id })
    expect(existsSync(`${vars}.made`)).toBe(true)
    await v.deleteVm({ id: vm.id, deleteDisks: true })
  })

  it('Secure Boot on: the firmware runs Debian\'s signed shim and GRUB, and refuses an unsigned GRUB', async () => {
    const script = join(import.meta.dirname, '..', '..', '..', 'e2e', 'fixtures', 'build-secure-boot-iso.sh')
    const out = execFileSync('bash', [script, testIsoPath()], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 })
    const [signed, unsigned] = out.toString().trim().split('\n')
    const v = harness.front('home', { watch: true })
    // 512 MiB: at 256 MiB Debian's signed GRUB cannot allocate the kernel's buffer.
    const boot = async (name: string, iso: string) => {
      const vm = await v.createVm({ name, source: { kind: 'none' }, diskSize: '16M', diskFormat: 'qcow2', accel: 'auto', memoryMiB: 512, cpus: 1, portForwards: [], start: false })
      await v.updateVm({ id: vm.id, changes: { firmware: 'uefi', secureBoot: true, cdrom: iso, bootOrder: ['cdrom', 'disk'] } })
      await v.startVm({ id: vm.id })
      return { id: vm.id, serial: () => readFileSync(join(vm.dir, 'serial.log'), 'latin1') }
    }
    const good = await boot('sb-signed', signed!)
    // Shim and the GRUB it loads pass the firmware's and shim's signature checks, GRUB boots
    // Debian's signed kernel, and the test OS reads its SecureBoot EFI variable.
    const state = await until('the guest to read its SecureBoot variable', () => /VIREO-SECUREBOOT: (\S+)/.exec(good.serial())?.[1] ?? null, 480_000)
    expect(state).toBe('enabled')
    await v.forceOffVm({ id: good.id })

    const bad = await boot('sb-unsigned', unsigned!)
    await until('the firmware to refuse the unsigned boot loader', () => /Access Denied/.test(bad.serial()), 480_000)
    expect(bad.serial()).not.toMatch(/GNU GRUB|Welcome to GRUB/)
    await v.forceOffVm({ id: bad.id })
    await v.deleteVm({ id: good.id, deleteDisks: true })
    await v.deleteVm({ id: bad.id, deleteDisks: true })
  }, 1_200_000)
})
