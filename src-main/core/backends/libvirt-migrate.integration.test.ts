import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVmParams } from '../../api/contract'
import { ensureUser, libvirtUnavailable, removeDomain, removePool, startSshd, SYSTEM, usePool, virshAt, virshTest, type TestSshd } from '../libvirt/testing/libvirt-test-support'
import { VireoHarness } from '../testing/vireo-harness'
import type { JobProgress } from '../types'
import type { Vireo } from '../vireo'

// Moving a stopped domain between two distinct libvirt daemons: this machine's qemu:///system
// and the session daemon of another local user, reached over qemu+ssh through a test sshd
// (FAULTS 39: a target whose disk is full leaves the VM whole on the source, nothing on the target).
const unavailable = await libvirtUnavailable()
const harness = new VireoHarness('vireo-libvirt-migrate-')
const USER = 'vireo-mig'
const names: string[] = []
let vireo: Vireo
let sshd: TestSshd
let target: string
let madePool = false
let full: string | null = null

function name(): string {
  const n = `vireo-test-${randomUUID().slice(0, 8)}`
  names.push(n)
  return n
}

/** The target's `default` pool, in `dir` (owned by the user). */
async function targetPool(dir: string): Promise<void> {
  await execa('chown', [`${USER}:${USER}`, dir])
  await virshAt(target, 'pool-destroy', 'default').catch(() => undefined)
  await virshAt(target, 'pool-undefine', 'default').catch(() => undefined)
  await virshAt(target, 'pool-define-as', 'default', 'dir', '--target', dir)
  await virshAt(target, 'pool-start', 'default')
}

describe.skipIf(unavailable !== null)(`migration between libvirt connections (${unavailable ?? 'libvirtd runs'})`, () => {
  beforeAll(async () => {
    madePool = await usePool('default', '/var/lib/libvirt/images')
    await ensureUser(USER)
    sshd = await startSshd(harness.root)
    target = sshd.uriFor(USER, 'session')
    const images = `/home/${USER}/.local/share/libvirt/images`
    mkdirSync(images, { recursive: true })
    await execa('chown', ['-R', `${USER}:${USER}`, `/home/${USER}/.local`])
    await targetPool(images)
    vireo = harness.at(harness.paths('home'), { watch: false, libvirt: [SYSTEM, target] })
    await vireo.attachRunning()
  })

  afterAll(async () => {
    for (const n of names) {
      await removeDomain(n)
      await virshAt(target, 'undefine', n, '--remove-all-storage').catch(() => undefined)
    }
    await virshAt(target, 'pool-destroy', 'default').catch(() => undefined)
    await virshAt(target, 'pool-undefine', 'default').catch(() => undefined)
    if (full !== null) {
      await execa('umount', [full], { reject: false })
      rmSync(full, { recursive: true, force: true })
    }
    sshd?.stop()
    if (madePool) await removePool('default')
    expect(await harness.tearDown()).toEqual([])
  })

  async function made(): Promise<{ connection: string; id: string; name: string; disk: string }> {
    const n = name()
    const vm = await vireo.createVm(createVmParams.parse({ connection: SYSTEM, name: n, source: { kind: 'none' }, diskSize: '16M', memoryMiB: 64, cpus: 1, accel: 'tcg' }))
    const disk = vm.disks[0]!.path
    // 4 MiB the guest wrote, to be found again on the other side.
    await execa('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 4M', disk])
    return { connection: SYSTEM, id: vm.id, name: n, disk }
  }

  it('a stopped domain moves with its disk: defined on the target, gone from the source, with progress', async () => {
    const ref = await made()
    const jobs: JobProgress[] = []
    const stop = vireo.subscribe('jobProgress', (job) => job.kind === 'migrate' && jobs.push(job))
    const moved = await vireo.migrateVm({ ...ref, toConnection: target })
    stop()
    expect(moved).toMatchObject({ connection: target, id: ref.id, name: ref.name, state: 'stopped', memoryMiB: 64 })
    expect(await virshAt(target, 'list', '--all', '--name')).toContain(ref.name)
    expect(await virshTest('list', '--all', '--name')).not.toContain(ref.name)
    expect(await virshTest('vol-list', 'default')).not.toContain(ref.disk)
    const there = moved.disks[0]!.path
    expect(there.startsWith(`/home/${USER}/`)).toBe(true)
    expect((await execa('qemu-io', ['-f', 'qcow2', '-r', '-c', 'read -P 0xab 0 4M', there])).stdout).not.toMatch(/Pattern verification failed/)
    expect(jobs.at(-1)).toMatchObject({ done: true, percent: 100 })
    expect(jobs.some((j) => !j.done)).toBe(true)
    await expect(vireo.migrateVm({ ...ref, toConnection: 'local' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('a target whose disk is full: the VM stays whole on the source, nothing is left on the target', async () => {
    const ref = await made()
    full = mkdtempSync('/tmp/vireo-full-')
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1M', 'tmpfs', full])
    await targetPool(full)
    const before = await virshAt(target, 'vol-list', 'default')
    await expect(vireo.migrateVm({ ...ref, toConnection: target })).rejects.toMatchObject({ code: 'COMMAND_FAILED' })
    expect(await virshAt(target, 'list', '--all', '--name')).not.toContain(ref.name)
    expect(await virshAt(target, 'vol-list', 'default')).toBe(before)
    expect(await vireo.getVm(ref)).toMatchObject({ state: 'stopped', disks: [expect.objectContaining({ path: ref.disk })] })
    expect((await execa('qemu-io', ['-f', 'qcow2', '-r', '-c', 'read -P 0xab 0 4M', ref.disk])).stdout).not.toMatch(/Pattern verification failed/)
    expect(await vireo.startVm(ref)).toMatchObject({ state: 'running' })
    await expect(vireo.migrateVm({ ...ref, toConnection: target })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' })
    await vireo.forceOffVm(ref)
  })
})
