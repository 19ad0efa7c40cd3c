// Over 300 lines: the fault cases that need whole `vireo` processes, sharing one set-up and tear-down.
import { spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { execa } from 'execa'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HostReport, VmSummary } from '../api/types'
import { COOKIE_NAME } from '../web/auth'
import { cliHome, requireBuild, vireoBin } from './testing/cli-home'
import { NOBODY, unprivilegedStage } from './testing/unprivileged'
import { testWebToken, webHostUrl } from './testing/web-url'
import { resolvePaths } from '../core/paths'
import { RfbTestClient } from '../core/console/testing/rfb-test-client'
import { killQemus, procStatus, qemuPids, tcpListeners, until } from '../core/testing/fault-support'

// FAULTS.md cases that need separate processes: the `vireo` command (the built app) killed
// in the middle of a start, two of them starting one VM, QEMU and qemu-img missing from a
// front end's PATH, /dev/kvm denied (in a private mount namespace), a taken port, and QEMU run
// by an unprivileged user.
const root = mkdtempSync(join(tmpdir(), 'vireo-faults-cli-'))
const run = join(root, 'run')
const { home, env, vireo, withEnv, json } = cliHome({
  home: join(root, 'home'),
  env: { XDG_RUNTIME_DIR: run },
  timeoutMs: 60_000,
})
const bin = vireoBin

async function stateOf(id: string): Promise<string> {
  return (await json<VmSummary[]>('list')).find((vm) => vm.id === id)?.state ?? 'missing'
}

async function steady(name: string): Promise<string> {
  const vm = await json<{ id: string }>(
    'create',
    '--name',
    name,
    '--disk-size',
    '64M',
    '--memory',
    '128',
    '--cpus',
    '1',
  )
  return vm.id
}

beforeAll(requireBuild)

afterAll(async () => {
  const leftover = qemuPids(root)
  await killQemus(root)
  rmSync(root, { recursive: true, force: true })
  expect(leftover).toEqual([])
})

describe('front ends dying and racing', () => {
  let id = ''
  beforeAll(async () => {
    id = await steady('cli-race')
  })

  it('FAULTS 3: `vireo start` killed right after it spawned QEMU: the VM is found running, never started twice, and the stale lock is cleaned up', async () => {
    // The kill lands while the start is under way only if it comes before the start has
    // finished (QMP answered, launch recorded, lock removed): a round in which the starter
    // had finished first proves nothing about a half-done start, so the rounds in which it
    // really was cut short are counted, and at least one must be.
    const lockFile = join(resolvePaths(env).runtime, id, 'start.lock')
    const rounds = 4
    let cutShort = 0
    for (let round = 0; round < rounds && cutShort === 0; round++) {
      const starter = spawn(process.execPath, [bin, 'start', id], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      })
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        starter.once('exit', (_code, signal) => resolve(signal)),
      )
      await until('QEMU to be spawned', () => qemuPids(home).length > 0, 30_000, 5)
      starter.kill('SIGKILL')
      const signal = await ended
      // Killed, not ended by itself, and its start lock left behind: the start was half done.
      const lockOwner = existsSync(lockFile) ? readFileSync(lockFile, 'utf8').split(' ')[0] : null
      if (signal === 'SIGKILL' && lockOwner === String(starter.pid)) cutShort++
      const qemu = qemuPids(home)
      expect(qemu).toHaveLength(1)

      await until(
        'the VM to be found running',
        async () => (await stateOf(id)) === 'running',
        20_000,
      )
      const again = await vireo('start', id)
      expect(again.exitCode).toBe(1)
      expect(again.stderr).toMatch(/already running/)
      expect(qemuPids(home)).toEqual(qemu)

      expect((await vireo('stop', id)).exitCode).toBe(0)
      expect((await vireo('start', id)).exitCode).toBe(0)
      expect(existsSync(lockFile)).toBe(false)
      expect((await vireo('stop', id)).exitCode).toBe(0)
    }
    expect(cutShort, `the start was cut short in none of ${rounds} rounds`).toBeGreaterThanOrEqual(
      1,
    )
  })

  it('FAULTS 5: two `vireo start` processes at the same moment: one QEMU, one clear “already”', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([vireo('start', id), vireo('start', id)])
      expect([a.exitCode, b.exitCode].sort()).toEqual([0, 1])
      expect([a, b].find((r) => r.exitCode === 1)?.stderr).toMatch(
        /already (running|starting)|being started/,
      )
      expect(qemuPids(home)).toHaveLength(1)
      expect((await vireo('stop', id)).exitCode).toBe(0)
      expect(qemuPids(home)).toEqual([])
    }
  })
})

describe('QEMU and qemu-img missing from PATH', () => {
  const noQemu = { PATH: join(root, 'empty-bin') }

  it('FAULTS 10: the QEMU binary upgraded, then removed, under a running VM: it keeps being managed (list, info, pause, resume, stop), and the next start uses the new one', async () => {
    // A QEMU of our own on PATH, replaced the way a package upgrade does it (a new file
    // renamed over the old one), then deleted: the system's QEMU is never touched. QEMU finds
    // its modules and firmware relative to its binary, so ../lib and ../share lead to the real ones.
    const prefix = join(root, 'own')
    const own = join(prefix, 'bin')
    mkdirSync(own, { recursive: true })
    const binary = join(own, 'qemu-system-x86_64')
    const system = (await execa('sh', ['-c', 'command -v qemu-system-x86_64'])).stdout.trim()
    for (const dir of ['lib', 'share'])
      symlinkSync(join(dirname(dirname(system)), dir), join(prefix, dir))
    copyFileSync(system, binary)
    chmodSync(binary, 0o755)
    const withOwn = { PATH: `${own}:${process.env.PATH ?? ''}` }
    const id = await steady('cli-upgraded')
    expect((await withEnv(withOwn)('start', id)).exitCode).toBe(0)
    const [pid] = qemuPids(home)
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(binary)

    copyFileSync(system, `${binary}.new`)
    renameSync(`${binary}.new`, binary)
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(`${binary} (deleted)`)
    expect(await stateOf(id)).toBe('running')
    rmSync(prefix, { recursive: true })

    const listed = await withEnv(noQemu)('list', '--json')
    expect(listed.exitCode).toBe(0)
    expect((JSON.parse(listed.stdout) as VmSummary[]).find((vm) => vm.id === id)?.state).toBe(
      'running',
    )
    expect((await withEnv(noQemu)('info', id)).exitCode).toBe(0)
    expect((await withEnv(noQemu)('pause', id)).stdout).toMatch(/paused/)
    expect((await withEnv(noQemu)('resume', id)).stdout).toMatch(/running/)
    expect((await withEnv(noQemu)('stop', id)).stdout).toMatch(/stopped/)
    expect(qemuPids(home)).toEqual([])

    expect((await vireo('start', id)).exitCode).toBe(0)
    expect(readlinkSync(`/proc/${qemuPids(home)[0]}/exe`)).toBe(system)
    expect((await vireo('stop', id)).exitCode).toBe(0)
  })

  it('FAULTS 27: starting without QEMU, or creating without qemu-img, names the package to install and leaves nothing', async () => {
    const id = await steady('cli-no-qemu')
    const start = await withEnv(noQemu)('start', id)
    expect(start.exitCode).toBe(1)
    expect(start.stderr).toMatch(/QEMU is not installed/)
    expect(start.stderr).toMatch(/apt install qemu-system-x86/)
    const before = (await json<VmSummary[]>('list')).length
    const create = await withEnv(noQemu)('create', '--name', 'cli-no-qemu-img', '--disk-size', '16M')
    expect(create.exitCode).toBe(1)
    expect(create.stderr).toMatch(/qemu-img is not installed/)
    expect(create.stderr).toMatch(/apt install qemu-utils/)
    expect(await json<VmSummary[]>('list')).toHaveLength(before)
  })
})

describe('the web host', () => {
  let server: Server
  let port = 0
  let id = ''

  beforeAll(async () => {
    server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    port = typeof address === 'object' && address !== null ? address.port : 0
    id = await steady('cli-web')
    expect((await vireo('start', id)).exitCode).toBe(0)
  })

  afterAll(async () => {
    await vireo('stop', id)
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('FAULTS 30: `vireo web` on a port that is taken says so and what to do, and exits (even with VMs running to let go of)', async () => {
    const began = Date.now()
    const r = await vireo('web', '--port', String(port))
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`)
    expect(r.stderr).toMatch(/--port/)
    expect(Date.now() - began).toBeLessThan(20_000)
    expect(await stateOf(id)).toBe('running')
  })

  it('Security: by default `vireo web` listens on 127.0.0.1 only; stopping it leaves the VMs running', async () => {
    const web = spawn(process.execPath, [bin, 'web', '--port', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await webHostUrl(web)
      expect(new URL(url).hostname).toBe('127.0.0.1')
      const listeners = tcpListeners(web.pid ?? 0)
      expect(listeners).toHaveLength(1)
      expect(listeners[0]?.address).toBe('127.0.0.1')
      expect(String(listeners[0]?.port)).toBe(new URL(url).port)
    } finally {
      web.kill('SIGTERM')
      await new Promise((r) => web.once('exit', r))
    }
    expect(await stateOf(id)).toBe('running')
  })

  it('stopping `vireo web` closes the consoles it serves, says why, and exits at once; the VM runs on', async () => {
    const token = testWebToken()
    const web = spawn(process.execPath, [bin, 'web', '--port', '0'], {
      env: { ...process.env, ...env, VIREO_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise((resolve) => web.once('exit', resolve))
    try {
      const url = await webHostUrl(web)
      const origin = new URL(url).origin.replace('http', 'ws')
      const cookie = `${COOKIE_NAME}=${token}`
      const api = new WebSocket(`${origin}/api`, { headers: { cookie } })
      await new Promise((resolve) => api.once('open', resolve))
      api.send(JSON.stringify({ type: 'call', id: 1, method: 'consoleEndpoint', params: { id } }))
      const endpoint = await new Promise<{ path: string }>((resolve) =>
        api.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string; result: { path: string } }
          if (message.type === 'reply') resolve(message.result)
        }),
      )
      const vnc = await RfbTestClient.open(`${origin}${endpoint.path}`, [], { headers: { cookie } })
      expect((await vnc.read(12)).toString()).toMatch(/^RFB 003\.00\d\n$/)

      const stopping = Date.now()
      web.kill('SIGTERM')
      expect((await vnc.closed).reason).toBe('Vireo is shutting down.')
      await exited
      expect(Date.now() - stopping).toBeLessThan(10_000)
    } finally {
      web.kill('SIGKILL')
      await exited
    }
    expect(await stateOf(id)).toBe('running')
  })
})

describe('an unprivileged user', () => {
  const { nobodyHome, setUp, nobodyBlocked, asUser, namespaceBlocked } = unprivilegedStage({
    root,
    home,
    runtime: run,
  })
  beforeAll(setUp)

  it('FAULTS 28: a /dev/kvm that no driver answers: the host check says no KVM driver is loaded, how to load it, and chooses TCG', async ({
    skip,
  }) => {
    const noNamespace = await namespaceBlocked()
    if (noNamespace !== null) return skip(noNamespace)

    const rootCheck = await asUser('root', ['host', 'check', '--json'])
    expect(rootCheck.exitCode, rootCheck.stderr).toBe(0)
    const asRoot = JSON.parse(rootCheck.stdout) as HostReport
    expect(asRoot).toMatchObject({
      accel: 'tcg',
      kvm: { present: true, permitted: false, usable: false },
    })
    expect(asRoot.kvm.reason).toMatch(/no KVM driver is loaded/)
    expect(asRoot.accelReason).toMatch(/TCG/)
    expect(asRoot.items.find((i) => i.id === 'kvm')).toMatchObject({
      status: 'warning',
      fix: expect.stringMatching(/modprobe/),
    })
  })

  it('FAULTS 28: /dev/kvm denied to the user (not in group kvm): the host check says so, how to join the group, and chooses TCG', async ({
    skip,
  }) => {
    const noNamespace = await namespaceBlocked()
    if (noNamespace !== null) return skip(noNamespace)
    const blocked = await nobodyBlocked()
    if (blocked !== null) return skip(blocked)

    const userCheck = await asUser('nobody', ['host', 'check', '--json'])
    expect(userCheck.exitCode, userCheck.stderr).toBe(0)
    const asNobody = JSON.parse(userCheck.stdout) as HostReport
    expect(asNobody).toMatchObject({
      accel: 'tcg',
      kvm: { present: true, permitted: false, usable: false },
    })
    expect(asNobody.kvm.reason).toMatch(/permission denied/)
    expect(asNobody.accelReason).toMatch(/TCG/)
    expect(asNobody.items.find((i) => i.id === 'kvm')).toMatchObject({
      status: 'warning',
      title: 'No permission to use KVM',
      fix: expect.stringMatching(/usermod -aG kvm/),
    })

    const text = await asUser('nobody', ['host', 'check'])
    expect(text.stdout).toMatch(/No permission to use KVM/)
    expect(text.stdout).toMatch(/TCG/)
  })

  it('Security: QEMU runs as the user who runs Vireo: started by an unprivileged user, it is that user’s', async ({
    skip,
  }) => {
    const blocked = await nobodyBlocked()
    if (blocked !== null) return skip(blocked)
    const created = await asUser(
      'nobody',
      [
        'create',
        '--name',
        'unprivileged',
        '--disk-size',
        '64M',
        '--memory',
        '128',
        '--cpus',
        '1',
        '--start',
        '--json',
      ],
      false,
    )
    expect(created.exitCode, created.stderr).toBe(0)
    const vm = JSON.parse(created.stdout) as VmSummary
    expect(vm.state).toBe('running')
    const [pid] = qemuPids(nobodyHome)
    const status = procStatus(pid ?? 0)
    expect(status.Uid?.split(/\s+/)).toEqual(Array(4).fill(String(NOBODY)))
    expect(status.Gid?.split(/\s+/)).toEqual(Array(4).fill(String(NOBODY)))
    expect((await asUser('nobody', ['stop', vm.id], false)).exitCode).toBe(0)
  })

  it('Security: without XDG_RUNTIME_DIR (sudo, cron), an unprivileged user’s VMs get a private runtime folder of its own in the temp dir; one another user made first is refused', async ({
    skip,
  }) => {
    const blocked = await nobodyBlocked()
    if (blocked !== null) return skip(blocked)
    const tmp = join(root, 'shared-tmp')
    mkdirSync(tmp)
    chmodSync(tmp, 0o1777) // as /tmp
    const noXdg = (user: 'root' | 'nobody', args: string[]) =>
      execa(
        user === 'nobody' ? 'setpriv' : process.execPath,
        [...(user === 'nobody' ? [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath] : []), bin, ...args],
        { env: { VIREO_HOME: user === 'nobody' ? nobodyHome : home, TMPDIR: tmp, HOME: root, PATH: process.env.PATH ?? '' }, extendEnv: false, reject: false, timeout: 60_000 },
      )
    const created = await noXdg('nobody', ['create', '--name', 'no-xdg', '--disk-size', '64M', '--memory', '128', '--cpus', '1', '--start', '--json'])
    expect(created.exitCode, created.stderr).toBe(0)
    const vm = JSON.parse(created.stdout) as VmSummary
    const parent = join(tmp, `vireo-${NOBODY}`)
    const runtime = join(parent, basename(resolvePaths({ VIREO_HOME: nobodyHome }).runtime))
    for (const dir of [parent, runtime, join(runtime, vm.id)]) {
      const st = lstatSync(dir)
      expect([st.isDirectory(), st.uid, st.mode & 0o777], dir).toEqual([true, NOBODY, 0o700])
    }
    expect(lstatSync(join(runtime, vm.id, 'qmp.sock')).isSocket()).toBe(true)
    expect((await noXdg('nobody', ['stop', vm.id])).exitCode).toBe(0)

    // Root's per-user folder, made first by nobody (0777) with a symlink in it.
    const hostile = join(tmp, 'vireo-0')
    mkdirSync(hostile)
    chmodSync(hostile, 0o777)
    chownSync(hostile, NOBODY, NOBODY)
    const target = join(root, 'not-vireos')
    mkdirSync(target, { mode: 0o755 })
    symlinkSync(target, join(hostile, basename(resolvePaths({ VIREO_HOME: home }).runtime)))
    const victim = await steady('no-xdg-root')
    const refused = await noXdg('root', ['start', victim])
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toContain(`${hostile} belongs to another user (uid ${NOBODY})`)
    expect(refused.stderr).toMatch(/XDG_RUNTIME_DIR/)
    expect(lstatSync(target).mode & 0o777).toBe(0o755)
    expect(readdirSync(target)).toEqual([])
    expect(qemuPids(home).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(victim))).toEqual([])
  })

  it('FAULTS 25: an ISO the user may not read is refused as unreadable, not mistaken for a non-ISO', async ({
    skip,
  }) => {
    const blocked = await nobodyBlocked()
    if (blocked !== null) return skip(blocked)
    const secret = join(root, 'secret.iso')
    writeFileSync(secret, 'x')
    chmodSync(secret, 0o600)
    const r = await asUser('nobody', ['create', '--name', 'unreadable', '--iso', secret], false)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/cannot be read \(permission denied\)/)
    expect(r.stderr).toMatch(/readable/)
  })
})
