import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pngInk } from '../testing/png'
import { testIsoPath } from '../testing/test-iso'
import { holdImage } from '../images/images-test-support'
import { tearDownRoot, until } from '../testing/fault-support'
import { vmConfigSchema, type VmConfig } from './config'
import type { HostFacts } from './launch-plan'
import { Supervisor } from './supervisor'
import type { VmRuntime } from './supervisor'

// Real QEMU (TCG), real test installer ISO: install onto a disk, boot from it, and drive
// every lifecycle action the supervisor offers.
const root = mkdtempSync(join(tmpdir(), 'vireo-sup-'))
const vmsDir = join(root, 'vms')
const runtime = join(root, 'run')
const facts: HostFacts = { accel: 'tcg', kvmUsable: false, accelReason: 'test', uefi: null, sandbox: true }
const supervisors: Supervisor[] = []

function newSupervisor(watch = true): Supervisor {
  const s = new Supervisor({ runtimeRoot: runtime, vmDirOf: (id) => join(vmsDir, id), hostFacts: async () => facts, watch })
  supervisors.push(s)
  return s
}

async function makeVm(id: string, diskFile = 'disk0.qcow2'): Promise<VmConfig> {
  const dir = join(vmsDir, id)
  mkdirSync(dir, { recursive: true })
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, diskFile), '256M'])
  return vmConfigSchema.parse({
    version: 1,
    id,
    name: `Test ${id}`,
    memoryMiB: 256,
    cpus: 1,
    disks: [{ file: diskFile, format: 'qcow2' }],
    cdrom: testIsoPath(),
    createdAt: new Date().toISOString(),
  })
}

const serial = (id: string) => {
  const file = join(vmsDir, id, 'serial.log')
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

async function stateOf(s: Supervisor, id: string, state: VmRuntime['state']): Promise<VmRuntime> {
  return until(`state ${state}`, async () => {
    const r = await s.status(id)
    return r.state === state ? r : null
  })
}

beforeAll(() => {
  testIsoPath()
})

afterAll(async () => {
  for (const s of supervisors) s.dispose()
  // By pid, only this file's QEMUs (never by a pattern that could match another's).
  expect(await tearDownRoot(root, [])).toEqual([])
})

describe('Supervisor with real QEMU', () => {
  const sup = newSupervisor()
  const id = 'installvm01'
  let config: VmConfig

  it('installs from the ISO, and the guest powering off leaves the VM stopped (guest shutdown)', async () => {
    config = await makeVm(id)
    const started = await sup.start(config)
    expect(started.state).toBe('running')
    expect(started.accel).toBe('tcg')
    await until('installer to finish', () => serial(id).includes('VIREO-INSTALLER: done, powering off'))
    const stopped = await stateOf(sup, id, 'stopped')
    expect(stopped.lastStop?.reason).toBe('guest-shutdown')
  })

  it('boots the installed disk next time with the ISO still attached, and shows it on screen', async () => {
    await sup.start(config)
    await until('installed banner', () => serial(id).includes('Vireo test OS: ready'))
    expect(serial(id)).toContain('Vireo test OS — installed')
    expect(serial(id)).not.toContain('VIREO-INSTALLER: starting')
    const png = await sup.screenshot(id)
    const { width, inkRatio } = pngInk(png)
    expect(width).toBeGreaterThan(600)
    expect(inkRatio).toBeGreaterThan(0.001)
  })

  it('refuses a second start of a running VM', async () => {
    await expect(sup.start(config)).rejects.toMatchObject({ code: 'ALREADY_RUNNING' })
  })

  it('pauses and resumes', async () => {
    await sup.pause(id)
    expect((await sup.status(id)).state).toBe('paused')
    await sup.resume(id)
    expect((await sup.status(id)).state).toBe('running')
  })

  it('re-attaches from a new front end, proving the process by its command line', async () => {
    const other = newSupervisor()
    const seen = await other.status(id)
    expect(seen.state).toBe('running')
    expect(seen.pid).toBe((await sup.status(id)).pid)
    other.dispose()
  })

  it('shuts down through ACPI, and records a guest shutdown', async () => {
    const after = await sup.shutdown(id, 60_000)
    expect(after.state).toBe('stopped')
    expect(after.lastStop?.reason).toBe('guest-shutdown')
  })

  it('forces off a running VM', async () => {
    await sup.start(config)
    const after = await sup.forceOff(id)
    expect(after.state).toBe('stopped')
    expect(after.lastStop?.reason).toBe('forced')
  })

  it('detects a crash when QEMU is killed, with its last words, and starts again after it', async () => {
    const running = await sup.start(config)
    process.kill(running.pid ?? 0, 'SIGKILL')
    const crashed = await stateOf(sup, id, 'crashed')
    expect(crashed.lastStop?.reason).toBe('crashed')
    expect(crashed.lastStop?.detail).toMatch(/without a shutdown/)
    const again = await sup.start(config)
    expect(again.state).toBe('running')
    await sup.forceOff(id)
  })

  it('starts once when asked twice at the same moment', async () => {
    const results = await Promise.allSettled([sup.start(config), sup.start(config)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find((r) => r.status === 'rejected')
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({ code: 'ALREADY_RUNNING' })
    await sup.forceOff(id)
  })

  it('says a disk is locked when another QEMU holds it, and starts nothing', async () => {
    // Resolves once qemu-img sees the lock: no fixed wait.
    const holder = await holdImage(join(vmsDir, id, 'disk0.qcow2'), 'qcow2')
    try {
      await expect(sup.start(config)).rejects.toMatchObject({ code: 'IMAGE_LOCKED' })
      expect((await sup.status(id)).state).toBe('stopped')
    } finally {
      await holder.release()
    }
  })

  it('opens exactly the file named x.qcow2,file.locking=off (a comma in a path is not an option)', async () => {
    const comma = await makeVm('commavm001', 'x.qcow2,file.locking=off')
    const started = await sup.start(comma)
    expect(started.state).toBe('running')
    const cmdline = readFileSync(`/proc/${started.pid}/cmdline`, 'utf8')
    expect(cmdline).toContain('file=' + join(vmsDir, 'commavm001', 'x.qcow2,,file.locking=off') + ',format=qcow2')
    // QEMU holds a lock on the very file: qemu-img cannot open it for writing now.
    const probe = await execa('qemu-img', ['info', join(vmsDir, 'commavm001', 'x.qcow2,file.locking=off')], { reject: false })
    expect(probe.stderr).toMatch(/lock/i)
    await sup.forceOff('commavm001')
  })

  it('says which ISO is missing at start', async () => {
    const missing = { ...config, cdrom: join(root, 'gone.iso') }
    await expect(sup.start(missing)).rejects.toMatchObject({ code: 'FILE_MISSING', message: expect.stringContaining('gone.iso') })
  })
})

describe('Force off while a Shut down is still waiting for the guest', () => {
  // No OS on a blank disk: the firmware ignores the ACPI power button, so Shut down waits
  // while Force off pulls the plug. Both see QEMU exit, each in its own poll; whichever sees
  // it first, and whatever the event connection says, the VM was forced off. Each round
  // starts Force off a little later after Shut down, so that the two polls meet every way.
  for (const watch of [false, true]) {
    it(`records it as forced, whoever sees the exit first (${watch ? 'a watching front end' : 'no event connection, as the CLI'})`, async () => {
      const sup = newSupervisor(watch)
      const id = watch ? 'forcewatch1' : 'forcenowatch'
      const config = { ...(await makeVm(id)), cdrom: null }
      for (let round = 0; round < 6; round++) {
        await sup.start(config)
        const down = sup.shutdown(id, 60_000)
        await stateOf(sup, id, 'shutting-down')
        await new Promise((r) => setTimeout(r, round * 17))
        const forced = await sup.forceOff(id)
        const afterShutdown = await down
        const recorded = JSON.parse(readFileSync(join(runtime, id, 'last-stop.json'), 'utf8')) as { reason: string }
        expect([forced.lastStop?.reason, afterShutdown.lastStop?.reason, recorded.reason], `round ${round}`).toEqual(['forced', 'forced', 'forced'])
        expect((await sup.status(id)).lastStop?.reason).toBe('forced')
      }
    })
  }
})
