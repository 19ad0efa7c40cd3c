import { spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolvePaths } from '../core/paths'
import { programPids, tearDownRoot, until } from '../core/testing/fault-support'
import { Vireo } from '../core/vireo'
import { processStartTime } from '../core/vms/qemu-process'
import { STAGING_OWNER_FILE } from '../core/vms/staging-owner'
import { VmStore } from '../core/vms/vm-store'
import { cliHome, requireBuild, vireoBin } from './testing/cli-home'

// FAULTS 13 (a note): the front end killed (kill -9) in the middle of an import. The built
// `vireo create --import` is the front end; the next one (the core as `vireo web` starts it)
// must stop the qemu-img it left writing into its hidden staging folder, and sweep that folder
// at once, touching nothing else.
const root = mkdtempSync(join(tmpdir(), 'vireo-import-killed-'))
const home = join(root, 'home')
const { env, vireo } = cliHome({
  home,
  env: { XDG_RUNTIME_DIR: join(root, 'run') },
  timeoutMs: 60_000,
})
const bin = vireoBin
const vms = join(home, 'vms')
const fronts: Vireo[] = []

/** What a VM folder holds, with each file's size and mtime: to prove nothing touched it. */
function snapshotOf(dir: string): string[] {
  return readdirSync(dir).map((name) => {
    const st = statSync(join(dir, name))
    return `${name} ${st.size} ${st.mtimeMs}`
  })
}

beforeAll(requireBuild)

afterAll(async () => {
  for (const v of fronts) v.dispose()
  // qemu-img left stopped by a failed run: resume and kill it by pid, as tearDownRoot does QEMU.
  for (const pid of programPids(root, 'qemu-img')) {
    process.kill(pid, 'SIGCONT')
    process.kill(pid, 'SIGKILL')
  }
  await tearDownRoot(root, [])
})

describe('a front end killed during an import', () => {
  it('FAULTS 13: the next front end stops the orphaned qemu-img and sweeps its staging folder at once; nothing else is touched', async () => {
    const other = JSON.parse(
      (await vireo('create', '--name', 'bystander', '--disk-size', '16M', '--json')).stdout,
    ) as { id: string }
    const bystander = snapshotOf(join(vms, other.id))
    // Another creation under way in a live front end (this process), and one from an older
    // Vireo (no owner record) that changed just now: both must be left alone.
    const live = await new VmStore(vms).createStaging('livelive01')
    const older = join(vms, '.new-olderolder')
    mkdirSync(older)

    // 256 MiB of data (not zeros, which qemu-img skips) to import.
    const source = join(root, 'big.raw')
    const fd = openSync(source, 'w')
    const chunk = Buffer.alloc(1 << 20, 0x5a)
    for (let i = 0; i < 256; i++) writeSync(fd, chunk)
    closeSync(fd)

    const front = spawn(
      process.execPath,
      [bin, 'create', '--name', 'imported', '--import', source],
      { env: { ...process.env, ...env }, stdio: 'ignore' },
    )
    const [copy] = await until(
      'qemu-img to run',
      () => (programPids(home, 'qemu-img').length > 0 ? programPids(home, 'qemu-img') : null),
      30_000,
      5,
    )
    // Held still, so that it cannot finish however fast this machine is.
    process.kill(copy ?? 0, 'SIGSTOP')
    const staging =
      readdirSync(vms).find(
        (n) => n.startsWith('.new-') && join(vms, n) !== live && join(vms, n) !== older,
      ) ?? ''
    await until(
      'the copy to be recorded',
      () => {
        const text = existsSync(join(vms, staging, STAGING_OWNER_FILE))
          ? readFileSync(join(vms, staging, STAGING_OWNER_FILE), 'utf8')
          : ''
        return text.includes(`"pid":${copy}`)
      },
      10_000,
      20,
    )
    front.kill('SIGKILL')
    await new Promise((r) => front.once('exit', r))
    expect(await processStartTime(copy ?? 0)).not.toBeNull() // orphaned, still there

    const next = new Vireo({ paths: resolvePaths(env), watch: false })
    fronts.push(next)
    await next.attachRunning()

    expect(await processStartTime(copy ?? 0)).toBeNull()
    expect(programPids(home, 'qemu-img')).toEqual([])
    expect(existsSync(join(vms, staging))).toBe(false)
    expect(existsSync(live) && existsSync(older)).toBe(true)
    expect(snapshotOf(join(vms, other.id))).toEqual(bystander)
    expect((await next.listVms()).map((vm) => vm.id)).toEqual([other.id])

    // An import that completes leaves no trace of its owner record in the new VM's folder.
    const small = join(root, 'small.raw')
    writeFileSync(small, Buffer.alloc(1 << 20, 0x5a))
    const done = await next.createVm({
      name: 'imported',
      source: { kind: 'import', path: small },
      diskFormat: 'qcow2',
      accel: 'auto',
      portForwards: [],
      start: false,
    })
    expect(readdirSync(done.dir).sort()).toEqual(['disk0.qcow2', 'vm.json'])
  })

  it('never kills a process the record names whose identity does not match (pid reused, or not qemu-img)', async () => {
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' })
    const pid = sleeper.pid ?? 0
    const startTime = (await processStartTime(pid)) ?? 0
    const dead = { pid: 999_999_999, startTime: 1 }
    const cases = {
      '.new-reusedpid1': [
        { pid, startTime: startTime + 1, target: join(vms, '.new-reusedpid1', 'disk0.qcow2') },
      ],
      '.new-notqemuimg': [{ pid, startTime, target: join(vms, '.new-notqemuimg', 'disk0.qcow2') }],
    }
    for (const [name, copies] of Object.entries(cases)) {
      mkdirSync(join(vms, name), { recursive: true })
      writeFileSync(join(vms, name, STAGING_OWNER_FILE), JSON.stringify({ frontEnd: dead, copies }))
    }
    try {
      const next = new Vireo({ paths: resolvePaths(env), watch: false })
      fronts.push(next)
      await next.attachRunning()
      for (const name of Object.keys(cases)) expect(existsSync(join(vms, name))).toBe(false)
      expect(await processStartTime(pid)).toBe(startTime)
    } finally {
      sleeper.kill('SIGKILL')
    }
  })
})
