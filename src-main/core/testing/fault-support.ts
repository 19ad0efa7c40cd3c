/**
 * Test support for the fault tests (`*.faults.integration.test.ts`), not used by the app:
 * waiting, small file systems that fill up, finding (and killing, by pid) the QEMUs a test
 * started, the TCP listeners of a process, a tiny non-bootable ISO.
 */
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeSync } from 'node:fs'
import { execa } from 'execa'
import { parseProcStat } from '../host/proc-parsers'

export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 120_000,
  everyMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/**
 * Mounts a tmpfs of `size` (e.g. `2m`) on `dir`. Returns null when it worked, else why not
 * (not root, no mount namespace rights…), for `skip(reason)`.
 */
export async function mountTmpfs(dir: string, options: string): Promise<string | null> {
  const r = await execa('mount', ['-t', 'tmpfs', '-o', options, 'vireo-faults', dir], {
    reject: false,
    timeout: 10_000,
  })
  return r.exitCode === 0 ? null : `cannot mount a tmpfs here (needs root): ${r.stderr.trim()}`
}

/**
 * Remounts `dir` with `options`. Making it read-only fails while a file there is open for
 * writing, as it may be for a moment after a QEMU that used it has exited: retried for 5 s.
 */
export async function remount(dir: string, options: string): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    const r = await execa('mount', ['-o', `remount,${options}`, dir], {
      reject: false,
      timeout: 10_000,
    })
    if (r.exitCode === 0) return
    if (Date.now() > deadline)
      throw new Error(`mount -o remount,${options} ${dir} failed: ${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Unmounts `dir` if something is mounted there (lazily, so a straggler cannot block it). */
export async function unmount(dir: string): Promise<void> {
  await execa('umount', ['-l', dir], { reject: false, timeout: 10_000 })
}

/** Writes `filler` until the file system holding it is full (ENOSPC). */
export function fillUp(filler: string): void {
  const fd = openSync(filler, 'w')
  const chunk = Buffer.alloc(64 * 1024, 0x5a)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
}

export function processArgs(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)
  } catch {
    return null
  }
}

/** Live QEMU processes whose command line mentions `marker` (a test's own temp folder). */
export function qemuPids(marker: string): number[] {
  return programPids(marker, 'qemu-system')
}

/** Live processes of `program` (part of argv[0], e.g. `qemu-img`) whose command line mentions `marker`. */
export function programPids(marker: string, program: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    const args = processArgs(pid)
    if (args === null || !args[0]?.includes(program)) continue
    if (processState(pid) === 'Z') continue
    if (args.some((a) => a.includes(marker))) pids.push(pid)
  }
  return pids
}

export function processState(pid: number): string | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).state
  } catch {
    return null
  }
}

/** SIGKILLs (by pid) every QEMU of a test, for afterAll; resumes stopped ones first. */
export async function killQemus(marker: string): Promise<void> {
  for (const pid of qemuPids(marker)) {
    try {
      process.kill(pid, 'SIGCONT')
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await until('the test’s QEMUs to exit', () => qemuPids(marker).length === 0, 10_000, 50)
}

/**
 * The end of a test file whose QEMUs run under `root`: kills those left, unmounts `mounts`,
 * removes `root`. Returns the pids that were still running: each test stops what it started.
 */
export async function tearDownRoot(root: string, mounts: string[]): Promise<number[]> {
  const leftover = qemuPids(root)
  await killQemus(root)
  for (const dir of mounts) await unmount(dir)
  rmSync(root, { recursive: true, force: true })
  return leftover
}

/** `/proc/<pid>/status` fields such as Uid, Gid, PPid, Seccomp. */
export function procStatus(pid: number): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const at = line.indexOf(':')
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trim()
  }
  return fields
}

export interface TcpListener {
  address: string
  port: number
}

/**
 * The TCP sockets in state LISTEN that process `pid` holds open: its socket inodes (from
 * /proc/<pid>/fd) matched against /proc/<pid>/net/tcp and tcp6.
 */
export function tcpListeners(pid: number): TcpListener[] {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m?.[1]) inodes.add(m[1])
    } catch {
      // closed meanwhile
    }
  }
  const found: TcpListener[] = []
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)
    for (const line of lines) {
      const cols = line.trim().split(/\s+/)
      const [local, state, inode] = [cols[1], cols[3], cols[9]]
      if (local === undefined || state !== '0A' || inode === undefined || !inodes.has(inode))
        continue
      const [hex, portHex] = local.split(':')
      found.push({ address: hexAddress(hex ?? ''), port: Number.parseInt(portHex ?? '0', 16) })
    }
  }
  return found
}

function hexAddress(hex: string): string {
  if (hex.length === 8) {
    // IPv4, little-endian on x86.
    return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.')
  }
  const words: string[] = []
  for (let i = 0; i < 32; i += 8) {
    const w = hex.slice(i, i + 8)
    const le = [6, 4, 2, 0].map((j) => w.slice(j, j + 2)).join('')
    words.push(le.slice(0, 4), le.slice(4, 8))
  }
  return words.map((w) => w.replace(/^0+(?=.)/, '').toLowerCase()).join(':')
}

/**
 * A minimal ISO 9660 image: a primary volume descriptor with `label`, no boot record, so
 * firmware never boots it (a VM with it attached stays in the firmware instead of installing).
 */
export function writeFakeIso(path: string, label: string): void {
  const sector = 2048
  const image = Buffer.alloc(18 * sector)
  const pvd = 16 * sector
  image[pvd] = 1
  image.write('CD001', pvd + 1, 'latin1')
  image[pvd + 6] = 1
  image.write(label.padEnd(32, ' '), pvd + 40, 'latin1')
  const end = 17 * sector
  image[end] = 255
  image.write('CD001', end + 1, 'latin1')
  image[end + 6] = 1
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, image)
  } finally {
    closeSync(fd)
  }
}
