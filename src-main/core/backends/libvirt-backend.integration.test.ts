import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RfbTestClient } from '../console/testing/rfb-test-client'
import { buildDomainXml } from '../libvirt/domain-xml'
import { idOfUuid } from '../libvirt/domain-state'
import { execa } from 'execa'
import { libvirtUnavailable, removeDomain, startSshd, SYSTEM, virshTest, virtInstall, type TestSshd } from '../libvirt/testing/libvirt-test-support'
import { VireoHarness } from '../testing/vireo-harness'
import { vmConfigSchema } from '../vms/config'
import type { VmSummary } from '../types'
import type { Vireo } from '../vireo'
import { LibvirtBackend } from './libvirt-backend'

// Libvirt connections against the real libvirtd (qemu:///system, TCG domains) and a real sshd
// on 127.0.0.1 (qemu+ssh://root@127.0.0.1:PORT/system), host key verified.
const unavailable = await libvirtUnavailable()
const harness = new VireoHarness('vireo-libvirt-')
// Where QEMU (as libvirt-qemu) can open the disks: libvirt's own images folder.
const dir = mkdtempSync('/var/lib/libvirt/images/vireo-test-')
chmodSync(dir, 0o755)
const names: string[] = []
let sshd: TestSshd
let vireo: Vireo
let http: Server

function name(): string {
  const n = `vireo-test-${randomUUID().slice(0, 8)}`
  names.push(n)
  return n
}

describe.skipIf(unavailable !== null)(`libvirt connections (${unavailable ?? 'libvirtd runs'})`, () => {
  beforeAll(async () => {
    sshd = await startSshd(harness.root)
    vireo = harness.at(harness.paths('home'), { watch: true, libvirt: [SYSTEM, sshd.uri, sshd.unknownHostUri, sshd.refusedKeyUri] })
    await vireo.attachRunning()
    http = createServer()
    vireo.consoleBridge.attach(http)
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    await vireo?.consoleBridge.close()
    await new Promise((resolve) => http?.close(resolve))
    for (const n of names) await removeDomain(n)
    sshd?.stop()
    rmSync(dir, { recursive: true, force: true })
    expect(await harness.tearDown()).toEqual([])
  })

  async function consoleAnswers(connection: string, id: string): Promise<number> {
    const endpoint = await vireo.consoleEndpoint({ connection, id })
    const client = await RfbTestClient.open(`ws://127.0.0.1:${(http.address() as AddressInfo).port}${endpoint.path}`)
    try {
      return (await client.handshake()).width
    } finally {
      client.close()
    }
  }

  for (const via of ['local', 'ssh'] as const) {
    it(`a domain virt-install made is listed, forced off, started, drawn in the console, shut off and deleted (${via})`, async () => {
      const connection = via === 'local' ? SYSTEM : sshd.uri
      const domain = name()
      const uuid = await virtInstall(domain, dir)
      const id = idOfUuid(uuid)
      const listed = (await vireo.listVms({ connection })).find((vm) => vm.name === domain)
      expect(listed).toMatchObject({ connection, id, state: 'running', memoryMiB: 96, cpus: 1, accel: 'tcg' })

      const changes: VmSummary[] = []
      const stop = vireo.subscribe('vmChanged', (vm) => vm.id === id && changes.push(vm))
      expect(await vireo.forceOffVm({ connection, id })).toMatchObject({ state: 'stopped', lastStop: { reason: 'forced' } })
      expect(await vireo.startVm({ connection, id })).toMatchObject({ state: 'running' })
      // Seen from libvirt's lifecycle events: a stop made by virsh behind Vireo's back.
      await expect.poll(() => changes.some((vm) => vm.state === 'running'), { timeout: 15_000 }).toBe(true)
      expect(await consoleAnswers(connection, id)).toBeGreaterThan(0)
      const shot = await vireo.screenshot({ connection, id })
      expect(shot.width).toBeGreaterThan(0)
      expect(Buffer.from(shot.png, 'base64').subarray(1, 4).toString()).toBe('PNG')
      await virshTest('destroy', domain)
      await expect.poll(() => changes.at(-1)?.state, { timeout: 15_000 }).toBe('stopped')
      stop()

      await expect(vireo.consoleEndpoint({ connection, id })).rejects.toMatchObject({ code: 'NOT_RUNNING' })
      expect(await vireo.deleteVm({ connection, id, deleteDisks: true })).toEqual({ deleted: true, keptDisks: [] })
      expect(await virshTest('list', '--all', '--name')).not.toContain(domain)
    })
  }

  it('a domain from Vireo’s XML builder is defined and seen by virsh', async () => {
    const domain = name()
    const uuid = randomUUID()
    const config = vmConfigSchema.parse({ version: 1, id: 'abcdefgh', name: domain, memoryMiB: 64, cpus: 1, disks: [], cdrom: null, network: { mode: 'none' }, createdAt: new Date().toISOString() })
    const file = join(harness.root, 'domain.xml')
    writeFileSync(file, buildDomainXml(config, { type: 'qemu', uuid, diskPaths: [], network: null }))
    await virshTest('define', file)
    expect(await virshTest('list', '--all', '--name')).toContain(domain)
    const vm = await vireo.getVm({ connection: SYSTEM, id: idOfUuid(uuid) })
    expect(vm).toMatchObject({ name: domain, state: 'stopped', memoryMiB: 64, firmware: 'bios' })
    expect(await vireo.startVm({ connection: SYSTEM, id: vm.id })).toMatchObject({ state: 'running' })
    expect(await consoleAnswers(SYSTEM, vm.id)).toBeGreaterThan(0)
    await vireo.forceOffVm({ connection: SYSTEM, id: vm.id })
  })

  it('a domain undefined by virsh while Vireo shows it: a clear NOT_FOUND, and the list goes on', async () => {
    const domain = name()
    const uuid = await virtInstall(domain, dir)
    await removeDomain(domain)
    await expect(vireo.startVm({ connection: SYSTEM, id: idOfUuid(uuid) })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no longer defined at qemu:\/\/\/system/) })
    expect((await vireo.listVms({ connection: SYSTEM })).some((vm) => vm.name === domain)).toBe(false)
  })

  it('an unknown host key and a refused key fail in words; the other connections are unaffected', async () => {
    await expect(vireo.listVms({ connection: sshd.unknownHostUri })).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/host key of root@127\.0\.0\.1 is not known/) })
    await expect(vireo.listVms({ connection: sshd.refusedKeyUri })).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/refused your SSH key/) })
    const connections = await vireo.listConnections()
    expect(connections.map((c) => [c.id, c.state])).toEqual([
      ['local', 'connected'],
      [SYSTEM, 'connected'],
      [sshd.uri, 'connected'],
      [sshd.unknownHostUri, 'failed'],
      [sshd.refusedKeyUri, 'failed'],
    ])
    // Listing every connection still lists the ones that work.
    expect(Array.isArray(await vireo.listVms())).toBe(true)
  })

  it('an unreachable host is a clear message', async () => {
    const backend = new LibvirtBackend({ uri: 'qemu+ssh://root@127.0.0.1:1/system', watch: false, events: { emit: () => undefined, wanted: () => false } })
    await expect(backend.attach()).rejects.toMatchObject({ message: expect.stringMatching(/127\.0\.0\.1 cannot be reached: Connection refused/) })
    expect(backend.info()).toMatchObject({ state: 'failed', error: { message: expect.stringMatching(/cannot be reached/) } })
  })

  // Last: it stops this machine's libvirtd (started by the tests' own start-libvirt.sh) and starts it again.
  it('libvirtd stopping: a clear message, the connection failed, local unaffected, and back when it returns', async () => {
    // root's: a user's session daemon (the migration test's target) is a libvirtd too.
    const { stdout } = await execa('pgrep', ['-x', '-u', 'root', 'libvirtd'])
    const pid = Number(stdout.trim().split('\n')[0])
    process.kill(pid, 'SIGTERM')
    await expect.poll(async () => (await execa('pgrep', ['-x', '-u', 'root', 'libvirtd'], { reject: false })).exitCode, { timeout: 30_000 }).toBe(1)
    await expect(vireo.listVms({ connection: SYSTEM })).rejects.toMatchObject({ message: expect.stringMatching(/libvirt is not running at qemu:\/\/\/system/) })
    const failed = (await vireo.listConnections()).find((c) => c.id === SYSTEM)
    expect(failed).toMatchObject({ state: 'failed', error: { hint: expect.stringMatching(/libvirtd -d/) } })
    expect(await vireo.listVms({ connection: 'local' })).toEqual([])

    expect(await libvirtUnavailable()).toBeNull()
    // The event follower connects again by itself.
    await expect.poll(async () => (await vireo.listConnections()).find((c) => c.id === SYSTEM)?.state, { timeout: 30_000 }).toBe('connected')
    expect(Array.isArray(await vireo.listVms({ connection: SYSTEM }))).toBe(true)
  })
})
