// Over 300 lines: the supervisor's fault cases against real QEMU, sharing one harness and its clean-up.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testIsoPath } from '../testing/test-iso'
import { createDispatcher } from '../../api/dispatch'
import { createVmParams } from '../../api/contract'
import { resolvePaths } from '../paths'
import { QmpClient } from '../qmp/qmp-client'
import {
  killQemus,
  processState,
  procStatus,
  qemuPids,
  remount,
  tcpListeners,
  unmount,
  until,
  writeFakeIso,
} from '../testing/fault-support'
import { rejection } from '../testing/rejections'
import { pidOf, summaryOf, VireoHarness } from '../testing/vireo-harness'
import type { Vireo } from '../vireo'
import { processStartTime } from './qemu-process'

// FAULTS.md, the process cases (and the storage ones that need a running guest), caused for
// real: QEMU killed, stopped, paused behind Vireo's back, its ISO deleted, its disk filled.
// Every VM here stays in its firmware (blank disk, no bootable CD) unless a case needs the
// test installer, so one boot is paid for only where the guest must write.
const harness = new VireoHarness('vireo-faults-sup-')
const root = harness.root
const paths = resolvePaths({ VIREO_HOME: join(root, 'home'), XDG_RUNTIME_DIR: join(root, 'run') })
const children: ChildProcess[] = []

async function steadyVm(v: Vireo, name: string): Promise<string> {
  const vm = await v.createVm({
    name,
    source: { kind: 'none' },
    diskSize: '64M',
    diskFormat: 'qcow2',
    accel: 'auto',
    memoryMiB: 128,
    cpus: 1,
    portForwards: [],
    start: false,
  })
  return vm.id
}

function sleeper(): ChildProcess & { pid: number } {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' })
  children.push(child)
  if (child.pid === undefined) throw new Error('sleep did not start')
  return child as ChildProcess & { pid: number }
}

beforeAll(() => {
  testIsoPath()
})

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  expect(await harness.tearDown()).toEqual([])
})

describe('processes', () => {
  it('FAULTS 1: QEMU killed with SIGKILL while no front end watched: the next look says crashed with QEMU’s last words, and it starts again', async () => {
    const cli = harness.front('home')
    const id = await steadyVm(cli, 'faults-kill')
    await cli.startVm({ id })
    const pid = await pidOf(cli, id)
    cli.dispose()
    // QEMU's stderr is qemu.log: what it says last (here, as if it printed a warning) is shown.
    const words = `qemu-system-x86_64: last words of pid ${pid}`
    appendFileSync(`/proc/${pid}/fd/2`, `${words}\n`)
    process.kill(pid, 'SIGKILL')
    await until('QEMU to be gone', () => processState(pid) === null)

    const next = harness.front('home')
    const seen = await summaryOf(next, id)
    expect(seen.state).toBe('crashed')
    expect(seen.lastStop).toMatchObject({
      reason: 'crashed',
      detail: expect.stringMatching(/killed, or it crashed/),
    })
    expect(seen.lastStop?.stderrTail?.at(-1)).toBe(words)
    expect(seen.lastStop?.stderrTail?.join('\n')).not.toMatch(/=== .* vireo: starting/)
    // The record stays for every later look, and the VM starts again.
    expect((await summaryOf(harness.front('home'), id)).state).toBe('crashed')
    expect((await next.startVm({ id })).state).toBe('running')
    expect(qemuPids(root)).toHaveLength(1)
    await next.forceOffVm({ id })
    expect((await summaryOf(next, id)).state).toBe('stopped')
  })

  it('FAULTS 2 + 8: a front end that was away while QEMU was paused and resumed by another QMP client re-queries and follows it; one away while QEMU quit says it stopped', async () => {
    const first = harness.front('home', { watch: true })
    const id = await steadyVm(first, 'faults-missed')
    await first.startVm({ id })
    const pid = await pidOf(first, id)
    first.dispose() // the app closes; the guest runs on

    const ctl = join(first.supervisor.runtimeDir(id), 'ctl.sock')
    const other = await QmpClient.connect(ctl)
    await other.execute('stop')
    other.close()

    const second = harness.front('home', { watch: true })
    const seen = await summaryOf(second, id)
    expect(seen).toMatchObject({ state: 'paused' })
    expect(await pidOf(second, id)).toBe(pid)
    // Now it follows events: another client resumes the guest, and the list follows.
    const again = await QmpClient.connect(ctl)
    await again.execute('cont')
    again.close()
    await until(
      'the resume to be seen',
      async () => (await summaryOf(second, id)).state === 'running',
      10_000,
    )

    second.dispose()
    const quitter = await QmpClient.connect(ctl)
    await quitter.execute('quit').catch(() => {})
    quitter.close()
    await until('QEMU to exit', () => processState(pid) === null, 10_000)
    const third = harness.front('home', { watch: true })
    const stopped = await summaryOf(third, id)
    expect(stopped.state).toBe('stopped')
    expect(stopped.lastStop).toMatchObject({
      reason: 'unknown',
      detail: expect.stringMatching(/no Vireo window was watching/),
    })
    await third.deleteVm({ id, deleteDisks: true })
  })
})

describe('start lock and pidfile', () => {
  const v = harness.front('home', { watch: true })
  let id = ''
  const lockFile = () => join(v.supervisor.runtimeDir(id), 'start.lock')
  const writeLock = (text: string) => {
    mkdirSync(v.supervisor.runtimeDir(id), { recursive: true, mode: 0o700 })
    writeFileSync(lockFile(), text)
  }

  beforeAll(async () => {
    id = await steadyVm(v, 'faults-lock')
  })

  it('FAULTS 3: a start.lock left by a front end that died mid-start (its pid is gone) does not block the next start', async () => {
    const dead = spawnSync('true').pid
    writeLock(`${dead} 12345\n`)
    expect((await v.startVm({ id })).state).toBe('running')
    expect(existsSync(lockFile())).toBe(false)
    expect(qemuPids(v.supervisor.runtimeDir(id))).toHaveLength(1)
    await v.forceOffVm({ id })
  })

  it('FAULTS 3 + 4: a start.lock whose pid now belongs to another process (sleep) is not mistaken for a front end', async () => {
    const sleep = sleeper()
    const started = await until('sleep’s start time', () => processStartTime(sleep.pid))
    writeLock(`${sleep.pid} ${started - 1}\n`)
    expect((await summaryOf(v, id)).state).toBe('stopped')
    expect((await v.startVm({ id })).state).toBe('running')
    await v.forceOffVm({ id })
    expect(processState(sleep.pid)).not.toBeNull()
  })

  it('FAULTS 3 + 5: a start.lock held by a live front end means “starting”, one clear ALREADY_RUNNING, and no second QEMU', async () => {
    const owner = sleeper() // stands in for another Vireo process in the middle of a start
    const started = await until('its start time', () => processStartTime(owner.pid))
    writeLock(`${owner.pid} ${started}\n`)
    expect((await summaryOf(v, id)).state).toBe('starting')
    const refused = await rejection(v.startVm({ id }))
    expect(refused).toMatchObject({
      code: 'ALREADY_RUNNING',
      message: expect.stringMatching(/is already starting/),
    })
    expect(qemuPids(v.supervisor.runtimeDir(id))).toEqual([])
    owner.kill('SIGKILL')
    await until('the owner to die', () => processState(owner.pid) === null)
    expect((await v.startVm({ id })).state).toBe('running')
    await v.forceOffVm({ id })
  })

  it('FAULTS 4: a stale pidfile naming another live process (sleep) is never taken for the VM, nor killed', async () => {
    const sleep = sleeper()
    const dir = v.supervisor.runtimeDir(id)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(join(dir, 'qemu.pid'), `${sleep.pid}\n`)
    expect((await summaryOf(harness.front('home'), id)).state).toBe('stopped')
    expect(await rejection(v.forceOffVm({ id }))).toMatchObject({ code: 'NOT_RUNNING' })
    // As after a start (which clears the last stop record), a SIGKILL, and the pid's reuse:
    // launch.json is left too. Crashed, not running.
    rmSync(join(dir, 'last-stop.json'), { force: true })
    const started = await until('sleep’s start time', () => processStartTime(sleep.pid))
    writeFileSync(
      join(dir, 'launch.json'),
      JSON.stringify({
        pid: sleep.pid,
        startTime: started + 1,
        accel: 'tcg',
        startedAt: new Date().toISOString(),
      }),
    )
    expect((await summaryOf(harness.front('home'), id)).state).toBe('crashed')
    const running = await v.startVm({ id })
    expect(running.state).toBe('running')
    expect(await pidOf(v, id)).not.toBe(sleep.pid)
    await v.forceOffVm({ id })
    expect(processState(sleep.pid)).not.toBeNull()
  })
})

describe('a VM deleted by another window in the middle of a start', () => {
  it('FAULTS 5 + 19: the start fails with a clear NOT_FOUND, and nothing is left “starting”', async () => {
    const v = harness.front('home', { watch: true })
    const id = await steadyVm(v, 'faults-vanishing')
    // Its disk lives elsewhere, so only the VM's own folder (for qemu.log) is missing.
    const outside = join(root, 'outside.qcow2')
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', outside, '16M'])
    const config = await v.store.get(id)
    await v.deleteVm({ id, deleteDisks: true })
    const started = v.supervisor.start({
      ...config,
      disks: [{ file: outside, format: 'qcow2', bus: 'virtio' }],
    })
    expect(await rejection(started)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/deleted meanwhile/),
    })
    expect((await v.supervisor.status(id)).state).toBe('stopped')
    expect(qemuPids(v.supervisor.runtimeDir(id))).toEqual([])
  })
})

describe('a running VM', () => {
  const v = harness.front('home', { watch: true })
  let a = ''
  let b = ''

  beforeAll(async () => {
    a = await steadyVm(v, 'faults-running-a')
    b = await steadyVm(v, 'faults-running-b')
    await v.startVm({ id: a })
    await v.startVm({ id: b })
  })

  it('FAULTS 6: its disk is locked by its QEMU, yet its details (disk sizes) can still be read', async () => {
    const details = await v.getVm({ id: a })
    expect(details.disks[0]?.virtualBytes).toBe(64 * 1024 ** 2)
  })

  it('FAULTS 7: a hung QEMU (SIGSTOP) makes its commands time out with a clear message; the list and the other VM answer meanwhile', async () => {
    const pid = await pidOf(v, a)
    process.kill(pid, 'SIGSTOP')
    try {
      const began = Date.now()
      const pausing = rejection(v.pauseVm({ id: a }))
      const listed = Date.now()
      expect((await v.listVms()).length).toBeGreaterThanOrEqual(2)
      expect(Date.now() - listed).toBeLessThan(2000)
      expect((await v.pauseVm({ id: b })).state).toBe('paused')
      expect((await v.resumeVm({ id: b })).state).toBe('running')
      expect(await pausing).toMatchObject({
        code: 'TIMEOUT',
        message: expect.stringMatching(/did not answer/),
        hint: expect.stringMatching(/Force off/),
      })
      expect(Date.now() - began).toBeLessThan(25_000)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    expect((await v.pauseVm({ id: a })).state).toBe('paused')
    expect((await v.resumeVm({ id: a })).state).toBe('running')
  })

  it('FAULTS 9: a reboot (reset) is announced and the VM stays running', async () => {
    const resets: string[] = []
    const off = v.subscribe('vmReset', (e) => resets.push(e.id))
    await v.rebootVm({ id: a })
    await until('the reset event', () => resets.includes(a), 10_000)
    off()
    expect((await summaryOf(v, a)).state).toBe('running')
  })

  it('FAULTS 16: its vm.json corrupted while it runs: listed as broken and running, not deletable, still forced off', async () => {
    const file = join(v.store.dirOf(b), 'vm.json')
    const good = readFileSync(file)
    writeFileSync(file, good.subarray(0, 30))
    const seen = await summaryOf(v, b)
    expect(seen).toMatchObject({
      state: 'running',
      broken: expect.stringMatching(/not valid JSON/),
    })
    expect(await rejection(v.deleteVm({ id: b, deleteDisks: true }))).toMatchObject({
      code: 'INVALID_STATE',
    })
    expect(existsSync(join(v.store.dirOf(b), 'disk0.qcow2'))).toBe(true)
    writeFileSync(file, good)
    expect((await summaryOf(v, b)).broken).toBeNull()
  })

  it('FAULTS 19: deleting it is refused, and it keeps running with its disk', async () => {
    expect(await rejection(v.deleteVm({ id: a, deleteDisks: true }))).toMatchObject({
      code: 'INVALID_STATE',
      hint: expect.stringMatching(/Shut it down/),
    })
    expect((await summaryOf(v, a)).state).toBe('running')
    expect(existsSync(join(v.store.dirOf(a), 'vm.json'))).toBe(true)
  })

  it('Security: QEMU runs exactly the argv Vireo built, as a child of this process (no shell between)', async () => {
    const pid = await pidOf(v, a)
    const details = await v.getVm({ id: a })
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)
    expect(cmdline).toEqual(details.argv)
    expect(procStatus(pid).PPid).toBe(String(process.pid))
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/qemu-system-x86_64$/)
  })

  it('Security: QEMU runs as the user who runs Vireo (never escalated), under its seccomp sandbox', async () => {
    const status = procStatus(await pidOf(v, a))
    const uid = String(process.getuid?.())
    const gid = String(process.getgid?.())
    expect(status.Uid?.split(/\s+/)).toEqual([uid, uid, uid, uid])
    expect(status.Gid?.split(/\s+/)).toEqual([gid, gid, gid, gid])
    expect(status.Seccomp).toBe('2')
    expect(status.NoNewPrivs).toBe('1')
  })

  it('Security: QMP and VNC are UNIX sockets in a 0700 folder of the user; QEMU listens on no TCP port', async () => {
    const pid = await pidOf(v, a)
    expect(tcpListeners(pid)).toEqual([])
    for (const dir of [paths.runtime, v.supervisor.runtimeDir(a)]) {
      const st = statSync(dir)
      expect(st.mode & 0o777).toBe(0o700)
      expect(st.uid).toBe(process.getuid?.())
    }
    for (const name of ['qmp.sock', 'ctl.sock', 'vnc.sock']) {
      expect(statSync(join(v.supervisor.runtimeDir(a), name)).isSocket()).toBe(true)
    }
  })

  it('FAULTS 30: a port forward whose host port is taken fails the start with the port named; with it free, QEMU listens on 127.0.0.1 only', async () => {
    await v.forceOffVm({ id: a })
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    await v.updateVm({
      id: a,
      changes: { portForwards: [{ protocol: 'tcp', hostPort: port, guestPort: 22 }] },
    })
    const refused = await rejection(v.startVm({ id: a }))
    expect(refused).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`Port ${port}`),
      hint: expect.stringMatching(/free port/),
    })
    expect(refused.message).toMatch(/already in use/)
    expect((await summaryOf(v, a)).state).toBe('stopped')
    expect(qemuPids(v.supervisor.runtimeDir(a))).toEqual([])

    // Made and started in one call (the wizard's way): the VM is kept, and the error says so.
    const both = await rejection(
      v.createVm(
        createVmParams.parse({
          name: 'made, not started',
          source: { kind: 'none' },
          diskSize: '16M',
          memoryMiB: 64,
          cpus: 1,
          portForwards: [{ protocol: 'tcp', hostPort: port, guestPort: 22 }],
          start: true,
        }),
      ),
    )
    expect(both.message).toMatch(/^“made, not started” was created, but did not start: Port \d+/)
    const createdId = String(both.details?.createdId)
    expect((await summaryOf(v, createdId)).state).toBe('stopped')
    await v.deleteVm({ id: createdId, deleteDisks: true })

    await new Promise<void>((resolve) => server.close(() => resolve()))
    await v.startVm({ id: a })
    expect(tcpListeners(await pidOf(v, a))).toEqual([{ address: '127.0.0.1', port }])
    await v.forceOffVm({ id: a })
    await v.updateVm({ id: a, changes: { portForwards: [] } })
  })

  it('Security: a runtime folder that belongs to another user is refused with a clear error; a loose one is tightened to 0700', async () => {
    const hostile = resolvePaths({
      VIREO_HOME: paths.home,
      XDG_RUNTIME_DIR: join(root, 'hostile-run'),
    })
    mkdirSync(hostile.runtime, { recursive: true })
    chownSync(hostile.runtime, 65534, 65534)
    const other = harness.at(hostile, { watch: true })
    const refused = await rejection(other.startVm({ id: a }))
    expect(refused).toMatchObject({
      code: 'HOST_UNSUPPORTED',
      message: expect.stringContaining('belongs to another user'),
      hint: expect.stringMatching(/XDG_RUNTIME_DIR/),
    })
    chownSync(hostile.runtime, process.getuid?.() ?? 0, process.getgid?.() ?? 0)
    chmodSync(hostile.runtime, 0o755)
    await other.startVm({ id: a })
    expect(statSync(hostile.runtime).mode & 0o777).toBe(0o700)
    await other.forceOffVm({ id: a })
  })

  afterAll(async () => {
    for (const id of [a, b]) await v.forceOffVm({ id }).catch(() => {})
  })
})

describe('the ISO deleted while attached', () => {
  it('FAULTS 17: the VM keeps running; the next start names the missing file and offers to eject it; after eject it starts', async () => {
    const v = harness.front('home', { watch: true })
    const iso = join(root, 'moved-away.iso')
    writeFakeIso(iso, 'FAULTS_17')
    const created = await v.createVm({
      name: 'faults-iso',
      source: { kind: 'iso', path: iso },
      diskSize: '64M',
      diskFormat: 'qcow2',
      accel: 'auto',
      memoryMiB: 128,
      cpus: 1,
      portForwards: [],
      start: true,
    })
    const id = created.id
    rmSync(iso)
    await new Promise((r) => setTimeout(r, 1000))
    expect((await summaryOf(v, id)).state).toBe('running')
    expect((await v.screenshot({ id })).width).toBeGreaterThan(0)
    await v.forceOffVm({ id })

    const missing = await rejection(v.startVm({ id }))
    expect(missing).toMatchObject({
      code: 'FILE_MISSING',
      message: expect.stringContaining(iso),
      hint: expect.stringMatching(/Eject/),
      details: { path: iso, eject: true },
    })
    expect((await v.ejectIso({ id })).cdrom).toBeNull()
    expect((await v.startVm({ id })).state).toBe('running')
    await v.forceOffVm({ id })
    await v.deleteVm({ id, deleteDisks: true })
  })
})

describe('hostile names on a real QEMU', () => {
  it('FAULTS 21: commas, =, quotes, leading -, ../, RTL letters and combining marks, 360 bytes: QEMU gets exactly that name and nothing else; NUL and text-direction controls are refused', async () => {
    const v = harness.front('home', { watch: true })
    const id = await steadyVm(v, 'faults-names')
    // 120 characters of three UTF-8 bytes each: 360 bytes, more than a file name may have.
    const names = [
      'a,b=c,file.locking=off',
      '-rf',
      `"; rm -rf ~ $(id) '`,
      '../../etc/passwd',
      'שלום evil\u0301',
      '語'.repeat(120),
    ]
    for (const name of names) {
      await v.updateVm({ id, changes: { name } })
      await v.startVm({ id })
      const reported = await v.supervisor.ctl<{ name: string }>(id, 'query-name')
      expect(reported.name).toBe(name.normalize('NFC'))
      const args = readFileSync(`/proc/${await pidOf(v, id)}/cmdline`, 'utf8').split('\0')
      expect(args.filter((a) => a === '-name')).toHaveLength(1)
      expect(args).not.toContain('-rf')
      await v.forceOffVm({ id })
    }
    expect(existsSync(v.store.dirOf(id))).toBe(true)
    const dispatch = createDispatcher(v)
    for (const name of ['a\u0000b', '\u202Eevil', 'live\u2067', ' ', 'x'.repeat(121)]) {
      expect(await dispatch('updateVm', { id, changes: { name } })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', details: { field: 'changes.name' } },
      })
    }
    await v.deleteVm({ id, deleteDisks: true })
  })
})

describe('socket paths', () => {
  it('FAULTS 26: a VIREO_HOME hundreds of bytes deep still runs VMs (sockets live in the short runtime folder)', async () => {
    const deep = join(root, ...Array.from({ length: 30 }, (_, i) => `a-rather-deep-folder-${i}`))
    expect(Buffer.byteLength(deep)).toBeGreaterThan(600)
    const deepPaths = resolvePaths({ VIREO_HOME: deep })
    const v = harness.at(deepPaths, { watch: true })
    try {
      const id = await steadyVm(v, 'faults-deep')
      expect((await v.startVm({ id })).state).toBe('running')
      await v.forceOffVm({ id })
    } finally {
      rmSync(deepPaths.runtime, { recursive: true, force: true })
    }
  })

  it('FAULTS 26: a runtime folder too deep for a socket path gives a clear error naming the fix, and starts nothing', async () => {
    const longRun = join(root, 'r'.repeat(60), 's'.repeat(60))
    const v = harness.at(resolvePaths({ VIREO_HOME: paths.home, XDG_RUNTIME_DIR: longRun }), {
      watch: true,
    })
    const id = await steadyVm(v, 'faults-long-run')
    expect(await rejection(v.startVm({ id }))).toMatchObject({
      code: 'HOST_UNSUPPORTED',
      message: expect.stringMatching(/too long for a socket/),
      hint: expect.stringMatching(/XDG_RUNTIME_DIR/),
    })
    expect(qemuPids(longRun)).toEqual([])
    await v.deleteVm({ id, deleteDisks: true })
  })
})

describe('the host disk full while the guest writes', () => {
  const mnt = join(root, 'full-disk')

  it('FAULTS 14: the guest is paused with the reason shown, resumes once space is freed, and its writes all land', async ({
    skip,
  }) => {
    const cannot = await harness.tmpfs('full-disk', 'size=2m,mode=0700')
    if (cannot !== null) skip(cannot)
    const v = harness.front('home', { watch: true })
    const created = await v.createVm({
      name: 'faults-enospc',
      source: { kind: 'iso', path: testIsoPath() },
      diskSize: '64M',
      diskFormat: 'raw',
      accel: 'auto',
      memoryMiB: 256,
      cpus: 1,
      portForwards: [],
      start: false,
    })
    const id = created.id
    // The installer copies ~10 MiB onto a 64 MiB raw disk that lives on a 2 MiB file system.
    const disk = join(mnt, 'disk.raw')
    await execa('qemu-img', ['create', '-q', '-f', 'raw', disk, '64M'])
    const config = await v.store.get(id)
    await v.store.save({ ...config, disks: [{ file: disk, format: 'raw', bus: 'virtio' }] })
    await v.startVm({ id })

    const paused = await until(
      'the guest to be paused by the full disk',
      async () => {
        const s = await summaryOf(v, id)
        return s.state === 'paused' ? s : null
      },
      150_000,
    )
    expect(paused.pause).toMatchObject({
      reason: 'io-error',
      detail: expect.stringMatching(/host disk is full.*Free some space, then resume/),
    })
    // A front end that starts now sees the same.
    expect((await summaryOf(harness.front('home'), id)).pause).toMatchObject({ reason: 'io-error' })

    await remount(mnt, 'size=128m')
    await v.resumeVm({ id })
    const stopped = await until(
      'the installer to finish',
      async () => {
        const s = await summaryOf(v, id)
        return s.state === 'stopped' ? s : null
      },
      150_000,
    )
    expect(stopped.lastStop?.reason).toBe('guest-shutdown')
    const serial = readFileSync(join(v.store.dirOf(id), 'serial.log'), 'utf8')
    expect(serial).toContain('VIREO-INSTALLER: done, powering off')
    expect(serial).not.toContain('VIREO-INSTALLER: error')
    // The marker the installer wrote after the pause is on the disk.
    expect(readFileSync(disk).includes('vireo-test-os installed')).toBe(true)
  })

  afterAll(async () => {
    await killQemus(mnt)
    await unmount(mnt)
  })
})
