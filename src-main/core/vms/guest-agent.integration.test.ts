import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testIsoPath } from '../testing/test-iso'
import { tearDownRoot, until } from '../testing/fault-support'
import { vmConfigSchema, type VmConfig } from './config'
import { guestAgentInfo } from './guest-agent-commands'
import type { HostFacts } from './launch-plan'
import { Supervisor } from './supervisor'

// Real QEMU (TCG), the test OS with Debian's qemu-guest-agent: the agent's answers reach the
// details, Reboot goes through it, and a guest whose agent never answers is shut down by
// ACPI (FAULTS 34).
const root = mkdtempSync(join(tmpdir(), 'vireo-qga-'))
const vmsDir = join(root, 'vms')
const facts: HostFacts = { accel: 'tcg', kvmUsable: false, accelReason: 'test', uefi: null, sandbox: true }
const sup = new Supervisor({ runtimeRoot: join(root, 'run'), vmDirOf: (id) => join(vmsDir, id), hostFacts: async () => facts, watch: true })
const id = 'agentvm01'
const servers: Server[] = []

const serial = (): string => {
  const file = join(vmsDir, id, 'serial.log')
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}
const count = (text: string): number => serial().split(text).length - 1

async function makeVm(): Promise<VmConfig> {
  const dir = join(vmsDir, id)
  mkdirSync(dir, { recursive: true })
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'disk0.qcow2'), '256M'])
  return vmConfigSchema.parse({
    version: 1, id, name: 'Agent test', memoryMiB: 256, cpus: 1,
    disks: [{ file: 'disk0.qcow2', format: 'qcow2' }], cdrom: testIsoPath(), createdAt: new Date().toISOString(),
  })
}

beforeAll(() => {
  testIsoPath()
})

afterAll(async () => {
  sup.dispose()
  for (const s of servers) s.close()
  expect(await tearDownRoot(root, [])).toEqual([])
})

describe('the guest agent in a real guest', () => {
  let config: VmConfig

  it('installs the test OS and boots it with its agent running', async () => {
    config = await makeVm()
    await sup.start(config)
    await until('installer to finish', () => serial().includes('VIREO-INSTALLER: done, powering off'), 170_000)
    await until('stopped', async () => ((await sup.status(id)).state === 'stopped' ? true : null))
    await sup.start(config)
    await until('agent started', () => serial().includes('Vireo test OS: guest agent started'), 170_000)
  }, 360_000)

  it('reports the guest’s address from user-net DHCP and its OS', async () => {
    const info = await until('an address', async () => {
      const i = await guestAgentInfo(sup.agentSocket(id))
      return i.ipAddresses.length > 0 ? i : null
    })
    expect(info).toEqual({ connected: true, ipAddresses: ['10.0.2.15/24'], os: 'Vireo test OS' })
  })

  it('reboots through the agent: a clean guest reboot, not a reset', async () => {
    const readyBefore = count('Vireo test OS: ready')
    await sup.reboot(id)
    await until('clean reboot line', () => serial().includes('Vireo test OS: clean reboot by the guest agent'))
    await until('booted again', () => (count('Vireo test OS: ready') > readyBefore ? true : null), 170_000)
    await until('agent again', () => (count('Vireo test OS: guest agent started') >= 2 ? true : null), 60_000)
  }, 240_000)

  it('shuts down by ACPI when the agent never answers (FAULTS 34)', async () => {
    // What Vireo meets with a guest whose agent hangs: a socket that accepts and says nothing.
    const socket = sup.agentSocket(id)
    rmSync(socket)
    const silent = createServer((c) => c.on('error', () => {}))
    servers.push(silent)
    await new Promise<void>((resolve) => silent.listen(socket, resolve))
    const stopped = await sup.shutdown(id, 120_000)
    expect(stopped.state).toBe('stopped')
    expect(serial()).toContain('Vireo test OS: power button, shutting down')
    expect(serial()).not.toContain('clean poweroff by the guest agent')
  }, 180_000)
})
