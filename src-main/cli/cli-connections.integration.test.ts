import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { libvirtUnavailable, removeDomain, SYSTEM, virtInstall, virshTest } from '../core/libvirt/testing/libvirt-test-support'
import { cliHome, requireBuild } from './testing/cli-home'

// `vireo connections …` and `vireo --connect URI …` as a user runs them: the built command,
// its own settings folder (XDG_CONFIG_HOME), the real libvirtd on qemu:///system.
const unavailable = await libvirtUnavailable()
const config = mkdtempSync(join(tmpdir(), 'vireo-cli-config-'))
const { home, vireo, withEnv } = cliHome({ prefix: 'vireo-cli-libvirt-', env: { XDG_CONFIG_HOME: config } })
const images = mkdtempSync('/var/lib/libvirt/images/vireo-cli-')
chmodSync(images, 0o755)
const domain = `vireo-cli-${randomUUID().slice(0, 8)}`

beforeAll(() => requireBuild())

afterAll(async () => {
  await removeDomain(domain)
  for (const dir of [config, home, images]) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(unavailable !== null)(`vireo and libvirt connections (${unavailable ?? 'libvirtd runs'})`, () => {
  it('adds, lists and removes a connection, kept in the settings folder', async () => {
    const added = await vireo('connections', 'add', SYSTEM)
    expect(added.stdout).toBe(`Added ${SYSTEM}  connected`)
    expect(added.exitCode).toBe(0)
    const file = join(config, 'vireo', 'settings.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, connections: [{ uri: SYSTEM }] })
    expect((await vireo('connections', 'add', SYSTEM)).stderr).toMatch(/already in the list/)

    const listed = JSON.parse((await vireo('connections', 'list', '--json')).stdout) as { id: string; state: string }[]
    expect(listed.map((c) => [c.id, c.state])).toEqual([['local', 'connected'], [SYSTEM, 'connected']])

    expect((await vireo('connections', 'remove', SYSTEM)).stdout).toBe(`Removed ${SYSTEM}.`)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, connections: [] })
    expect((await vireo('connections', 'remove', SYSTEM)).stderr).toMatch(/There is no connection qemu:\/\/\/system/)
  })

  it('refuses a URI it cannot use, saying what to write', async () => {
    const r = await vireo('connections', 'add', 'qemu+tcp://host/system')
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toMatch(/transport “tcp” is not supported/)
    // A saved connection never names a program to run (a request must not choose what runs here).
    const program = await vireo('connections', 'add', 'qemu+ssh://root@127.0.0.1/system?command=/bin/true')
    expect(program.exitCode).not.toBe(0)
    expect(program.stderr).toMatch(/names a program to run/)
  })

  it('--connect and VIREO_CONNECT address a libvirt connection: a virt-install domain by name and by UUID', async () => {
    const uuid = await virtInstall(domain, images)
    const names = await vireo('--connect', SYSTEM, 'list', '--names')
    expect(names.stdout.split('\n')).toContain(domain)
    expect((await vireo('list', '--names')).stdout.split('\n')).not.toContain(domain)

    expect((await vireo('-c', SYSTEM, 'stop', domain)).stdout).toBe(`${domain}: stopped`)
    expect((await withEnv({ VIREO_CONNECT: SYSTEM })('start', uuid)).stdout).toBe(`${domain}: running`)
    expect((await virshTest('domstate', domain)).trim()).toBe('running')
    const info = JSON.parse((await vireo('info', uuid, '--connect', SYSTEM, '--json')).stdout) as { connection: string; memoryMiB: number }
    expect(info).toMatchObject({ connection: SYSTEM, memoryMiB: 96 })
    await vireo('-c', SYSTEM, 'stop', domain)
    // migrate: its target is needed, and must be another libvirt connection (the move itself: libvirt-migrate's test).
    expect((await vireo('-c', SYSTEM, 'migrate', domain)).stderr).toMatch(/needs --to URI/)
    const toLocal = await vireo('-c', SYSTEM, 'migrate', domain, '--to', 'local')
    expect(toLocal.exitCode).not.toBe(0)
    expect(toLocal.stderr).toMatch(/moves only from one libvirt connection to another/)
    expect((await vireo('-c', SYSTEM, 'migrate', domain, '--to', SYSTEM)).stderr).toMatch(/moves only from one libvirt connection to another/)
    const deleted = await vireo('-c', SYSTEM, 'delete', domain, '--delete-disks', '--yes')
    expect(deleted.exitCode, deleted.stderr).toBe(0)
    expect(await virshTest('list', '--all', '--name')).not.toContain(domain)
  })
})
