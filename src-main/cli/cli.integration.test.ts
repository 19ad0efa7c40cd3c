import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pngInk } from '../core/testing/png'
import { killQemus, until } from '../core/testing/fault-support'
import { testIsoPath } from '../core/testing/test-iso'
import { cliHome, requireBuild, vireoBin } from './testing/cli-home'
import { onTerminal } from './testing/terminal'

// The `vireo` command as a user runs it: the built bin/vireo.js, a fresh VIREO_HOME, real QEMU.
// Each invocation is a new front end, so every step after `start` also proves re-attachment.
// No limit on a command's time here: a start or a clone takes what the guest takes.
const { home, vireo, json } = cliHome({ prefix: 'vireo-cli-', timeoutMs: 0 })
const bin = vireoBin

beforeAll(() => {
  requireBuild()
  testIsoPath()
})

afterAll(async () => {
  // Only this test's own QEMUs (their command lines name its home), found and ended by pid.
  await killQemus(home)
  rmSync(home, { recursive: true, force: true })
})

describe('vireo host check', () => {
  it('reports the accelerator and tools as JSON, and exits 0 when VMs can run', async () => {
    const r = await vireo('host', 'check', '--json')
    expect(r.exitCode).toBe(0)
    const report = JSON.parse(r.stdout) as Record<string, unknown>
    expect(report).toMatchObject({
      accel: expect.stringMatching(/^(kvm|tcg)$/),
      kvm: { present: expect.any(Boolean), permitted: expect.any(Boolean), usable: expect.any(Boolean), reason: expect.any(String) },
      qemu: { path: expect.any(String), version: expect.stringMatching(/^\d+\.\d+/) },
      qemuImg: { path: expect.any(String), version: expect.stringMatching(/^\d+\.\d+/) },
    })
  })

  it('exits 1 and names the package when QEMU is not installed', async () => {
    const r = await execa(process.execPath, [bin, 'host', 'check'], { env: { VIREO_HOME: home, PATH: '/nonexistent' }, reject: false })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/qemu-system-x86/)
  })
})

describe('vireo create: bad input gets a clear error and leaves nothing behind', () => {
  const cases: [string, string[], RegExp][] = [
    ['zero size', ['--disk-size', '0'], /size/i],
    ['negative size', ['--disk-size', '-5G'], /size/i],
    ['absurd size', ['--disk-size', '10ZB'], /size|unit/i],
    ['garbage size', ['--disk-size', 'abc'], /size/i],
    ['size beyond free space', ['--disk-size', '60T'], /free|space/i],
    ['memory beyond the host', ['--memory', '99999999'], /memory|MiB/i],
    ['not an ISO', ['--iso', '/etc/hostname'], /not an ISO/],
    ['a folder as ISO', ['--iso', '/tmp'], /folder/],
    ['a missing ISO', ['--iso', '/nonexistent.iso'], /does not exist/],
  ]
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const r = await vireo('create', '--name', `bad ${what}`, ...args)
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(await json<unknown[]>('list')).toEqual([])
    })
  }

  it('refuses an empty or control-character name, and a duplicate name', async () => {
    expect((await vireo('create', '--name', '   ')).stderr).toMatch(/name/i)
    expect((await vireo('create', '--name', 'a\u0007b')).stderr).toMatch(/control/i)
    expect((await vireo('create', '--name', '\u202Eevil')).stderr).toMatch(/text-direction control/)
    expect((await vireo('create', '--name', 'once', '--disk-size', '16M')).exitCode).toBe(0)
    const again = await vireo('create', '--name', 'ONCE', '--disk-size', '16M')
    expect(again.exitCode).toBe(1)
    expect(again.stderr).toMatch(/already exists/)
    expect((await vireo('delete', 'once', '--delete-disks', '--yes')).exitCode).toBe(0)
  })

  it('takes hostile names as display names only: never a path or an option', async () => {
    const names = ['../../etc/passwd', '-rf', 'a,b=c,file.locking=off', '"; rm -rf ~', 'שלום evil\u0301', 'x'.repeat(120)]
    for (const name of names) {
      // `--name=VALUE`: a value that starts with `-` must be attached to its option.
      const vm = await json<{ id: string; name: string; dir: string }>('create', `--name=${name}`, '--disk-size', '16M')
      expect(vm.name).toBe(name.normalize('NFC'))
      expect(vm.dir).toBe(join(home, 'vms', vm.id))
      expect(vm.id).toMatch(/^[a-z0-9]+$/)
    }
    expect((await vireo('create', '--name', 'y'.repeat(121))).stderr).toMatch(/at most 120/)
    for (const vm of await json<{ id: string }[]>('list')) await vireo('delete', vm.id, '--delete-disks', '--yes')
  })
})

describe('vireo snapshot', () => {
  it('takes, lists, reverts to and deletes snapshots of a stopped and a running VM by name', async () => {
    const vm = await json<{ id: string }>('create', '--name', 'CLI snaps', '--disk-size', '16M')
    expect((await vireo('snapshot', 'list', 'CLI snaps')).stdout).toMatch(/No snapshots/)
    expect((await json<{ name: string }[]>('snapshot', 'take', 'CLI snaps', 'before')).map((s) => s.name)).toEqual(['before'])
    const listed = await vireo('snapshot', 'list', vm.id)
    expect(listed.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}disks only {8}before$/)
    expect((await vireo('snapshot', 'revert', 'CLI snaps', 'before')).exitCode).toBe(0)

    // Of the running VM, with its memory: taken and gone back to by later commands.
    expect((await vireo('start', 'CLI snaps')).exitCode).toBe(0)
    expect((await vireo('snapshot', 'take', 'CLI snaps', 'live')).exitCode).toBe(0)
    expect((await vireo('snapshot', 'list', 'CLI snaps')).stdout).toMatch(/ {2}disks\+memory {6}live$/m)
    expect((await vireo('snapshot', 'revert', 'CLI snaps', 'live')).exitCode).toBe(0)
    const diskOnly = await vireo('snapshot', 'revert', 'CLI snaps', 'before')
    expect(diskOnly.stderr).toMatch(/holds only the disks/)
    expect((await vireo('snapshot', 'delete', 'CLI snaps', 'live')).exitCode).toBe(0)
    expect((await vireo('stop', 'CLI snaps')).exitCode).toBe(0)
    const unknown = await vireo('snapshot', 'revert', 'CLI snaps', 'after')
    expect(unknown.exitCode).toBe(1)
    expect(unknown.stderr).toMatch(/no snapshot named “after”/)
    expect((await vireo('snapshot', 'take', 'CLI snaps')).stderr).toMatch(/needs a VM and a snapshot name/)
    expect((await vireo('snapshot', 'make', 'CLI snaps', 'x')).stderr).toMatch(/Did you mean: vireo snapshot list/)
    expect(await json<unknown[]>('snapshot', 'delete', 'CLI snaps', 'before')).toEqual([])
    expect((await vireo('delete', vm.id, '--delete-disks', '--yes')).exitCode).toBe(0)
  })
})

describe('a VM’s life through the CLI', () => {
  it('installs, boots from disk, answers screenshot and ACPI shutdown, is cloned, and is deleted with its disks when asked', async () => {
    const created = await json<{ id: string; state: string; os: { id: string } }>('create', '--name', 'CLI guest', '--iso', testIsoPath(), '--start')
    expect(created.os.id).toBe('vireo-test')
    expect(created.state).toBe('running')
    const serial = () => readFileSync(join(home, 'vms', created.id, 'serial.log'), 'utf8')

    // A second start while it runs: one clear "already".
    const twice = await vireo('start', 'CLI guest')
    expect(twice.exitCode).toBe(1)
    expect(twice.stderr).toMatch(/already/)

    await until('the installer to power off', async () => (await json<{ state: string }>('info', created.id)).state === 'stopped')
    expect(serial()).toContain('VIREO-INSTALLER: done, powering off')

    expect((await vireo('start', created.id)).exitCode).toBe(0)
    await until('the installed system', () => serial().includes('Vireo test OS: ready'))
    const info = await json<{ argv: string[]; state: string }>('info', 'cli guest')
    expect(info.state).toBe('running')
    expect(info.argv[0]).toBe('qemu-system-x86_64')
    expect(info.argv).toContain('-sandbox')

    const shot = join(home, 'shot.png')
    expect((await vireo('screenshot', created.id, shot)).exitCode).toBe(0)
    expect(pngInk(readFileSync(shot)).inkRatio).toBeGreaterThan(0.001)

    const refused = await vireo('delete', created.id)
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toMatch(/running/)

    const down = await json<{ state: string; lastStop: { reason: string } }>('shutdown', created.id, '--timeout', '60')
    expect(down).toMatchObject({ state: 'stopped', lastStop: { reason: 'guest-shutdown' } })

    // A clone of the installed VM boots the installed system from its own disk.
    expect((await vireo('clone', 'CLI guest')).stderr).toMatch(/needs --name/)
    // On a terminal, the copy's progress is one line that updates in place; not in --json.
    const shown = await onTerminal([process.execPath, bin, 'clone', 'CLI guest', '--name', 'CLI copy'], { env: { VIREO_HOME: home }, timeoutMs: 180_000 })
    expect(shown.exitCode, shown.stdout).toBe(0)
    expect(shown.stdout).toMatch(/\rCopying the disks of “CLI guest”: \d+ %/)
    expect(shown.stdout).toMatch(/\rCopying the disks of “CLI guest”: 100 %\r?\n/)
    expect(shown.stdout).toContain('Cloned into “CLI copy”')
    expect((await vireo('delete', 'CLI copy', '--delete-disks', '--yes')).exitCode).toBe(0)
    const clone = await json<{ id: string; name: string }>('clone', 'CLI guest', '--name', 'CLI clone')
    expect(clone.name).toBe('CLI clone')
    expect((await vireo('start', 'CLI clone')).exitCode).toBe(0)
    const cloneSerial = () => readFileSync(join(home, 'vms', clone.id, 'serial.log'), 'utf8')
    await until('the clone’s installed system', () => cloneSerial().includes('Vireo test OS: ready'))
    expect(cloneSerial()).toContain('Vireo test OS — installed')
    expect((await vireo('stop', clone.id)).exitCode).toBe(0)
    expect((await vireo('delete', clone.id, '--delete-disks', '--yes')).exitCode).toBe(0)

    // Its disks go only when asked for (--yes: no terminal here to ask on).
    const deleted = await vireo('delete', created.id, '--delete-disks', '--yes')
    expect(deleted.exitCode).toBe(0)
    expect(deleted.stdout).toContain(`Removed:\n  ${join(home, 'vms', created.id, 'disk0.qcow2')}`)
    expect(existsSync(join(home, 'vms', created.id))).toBe(false)
    expect(existsSync(join(home, 'kept-disks', created.id))).toBe(false)
  })
})
