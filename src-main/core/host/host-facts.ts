import { constants } from 'node:fs'
import { access, open, readFile, stat, statfs } from 'node:fs/promises'
import { availableParallelism, freemem, totalmem, userInfo } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { parseKvmModules, parseMeminfo, parseVirtFlags } from './proc-parsers'
import type { UefiFirmware } from './types'

/**
 * Small readers of host facts. Each one answers from the machine it runs on and never throws
 * for a fact it cannot read (it reports "none" instead), so the host check always completes.
 */

/** Host memory in MiB, from /proc/meminfo (falls back to Node's figures). */
export async function hostMemoryMiB(): Promise<{ totalMiB: number; availableMiB: number }> {
  try {
    return parseMeminfo(await readFile('/proc/meminfo', 'utf8'))
  } catch {
    const mib = (bytes: number): number => Math.floor(bytes / 1024 / 1024)
    return { totalMiB: mib(totalmem()), availableMiB: mib(freemem()) }
  }
}

/** Logical CPUs this process may use. */
export function hostCpus(): number {
  return availableParallelism()
}

/**
 * Free space (for an unprivileged user) on the file system that holds `path`; when `path`
 * does not exist yet, at its nearest existing parent, which is reported as `path`.
 */
export async function freeDiskSpace(path: string): Promise<{ path: string; freeBytes: number }> {
  let dir = resolve(path)
  for (;;) {
    try {
      const fs = await statfs(dir)
      return { path: dir, freeBytes: fs.bavail * fs.bsize }
    } catch (error) {
      const parent = dirname(dir)
      if (!isErrno(error, 'ENOENT', 'ENOTDIR') || parent === dir) throw error
      dir = parent
    }
  }
}

/** The absolute path of an executable `name` on PATH, or null. */
export async function findProgram(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      if ((await stat(candidate)).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return null
}

/** Where distributions install OVMF (code and its matching variable store), in order. */
export const uefiFirmwareCandidates: readonly UefiFirmware[] = [
  // Debian, Ubuntu (package ovmf)
  { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
  { code: '/usr/share/OVMF/OVMF_CODE.fd', vars: '/usr/share/OVMF/OVMF_VARS.fd' },
  // Fedora, RHEL (package edk2-ovmf)
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.fd', vars: '/usr/share/edk2/ovmf/OVMF_VARS.fd' },
  // Arch (package edk2-ovmf)
  { code: '/usr/share/edk2/x64/OVMF_CODE.4m.fd', vars: '/usr/share/edk2/x64/OVMF_VARS.4m.fd' },
  { code: '/usr/share/edk2-ovmf/x64/OVMF_CODE.fd', vars: '/usr/share/edk2-ovmf/x64/OVMF_VARS.fd' },
  // openSUSE (package qemu-ovmf-x86_64)
  {
    code: '/usr/share/qemu/ovmf-x86_64-code.bin',
    vars: '/usr/share/qemu/ovmf-x86_64-vars.bin',
  },
]

/**
 * OVMF built for Secure Boot (SMM, a flash only SMM code writes) and its variable template
 * with Microsoft's keys enrolled (what Windows and shim-signed distributions boot with).
 */
export const secureBootFirmwareCandidates: readonly UefiFirmware[] = [
  // Debian, Ubuntu (package ovmf)
  { code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' },
  { code: '/usr/share/OVMF/OVMF_CODE.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS.ms.fd' },
  // Fedora, RHEL (package edk2-ovmf)
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd', vars: '/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd' },
]

/** The first OVMF pair whose two files are both readable, or null. */
export async function findUefiFirmware(
  candidates: readonly UefiFirmware[] = uefiFirmwareCandidates,
): Promise<UefiFirmware | null> {
  for (const pair of candidates) {
    if ((await readable(pair.code)) && (await readable(pair.vars))) return pair
  }
  return null
}

export interface KvmDevice {
  /** /dev/kvm exists. */
  present: boolean
  /** This process opened it read-write. */
  permitted: boolean
  /** Why not: the errno code of the failed open (ENOENT, EACCES, ENXIO, …). */
  error: string | null
  /** The group that owns /dev/kvm (usually `kvm`), when present. */
  group: string | null
  /** This user is listed in that group in /etc/group (though maybe not in this session yet). */
  userInGroup: boolean
  /** This process has that group now (a login after `usermod -aG` gives it). */
  sessionHasGroup: boolean
}

/** Opens /dev/kvm read-write and closes it again: present? permitted? */
export async function openKvmDevice(device = '/dev/kvm'): Promise<KvmDevice> {
  let error: string | null = null
  try {
    const handle = await open(device, constants.O_RDWR)
    await handle.close()
  } catch (e) {
    error = errnoCode(e) ?? 'EIO'
  }
  const st = await stat(device).catch(() => null)
  const present = st !== null
  const group = st === null ? null : await groupName(st.gid)
  const sessionGroups = process.getgroups?.() ?? []
  return {
    present,
    permitted: present && error === null,
    error,
    group,
    userInGroup: group !== null && (await userListedInGroup(group)),
    sessionHasGroup:
      st !== null && (sessionGroups.includes(st.gid) || process.getgid?.() === st.gid),
  }
}

/** `vmx`/`svm` from /proc/cpuinfo; none when unreadable. */
export async function readVirtFlags(): Promise<string[]> {
  return parseVirtFlags(await readFile('/proc/cpuinfo', 'utf8').catch(() => ''))
}

/** KVM modules loaded (/proc/modules) or built into the kernel (/sys/module/<name>). */
export async function readKvmModules(): Promise<string[]> {
  const loaded = parseKvmModules(await readFile('/proc/modules', 'utf8').catch(() => ''))
  const builtIn: string[] = []
  for (const name of ['kvm', 'kvm_intel', 'kvm_amd']) {
    if (!loaded.includes(name) && (await stat(`/sys/module/${name}`).catch(() => null)) !== null) {
      builtIn.push(name)
    }
  }
  return [...loaded, ...builtIn].sort()
}

/** This boot's id (changes at every boot), or null where the kernel does not say. */
export async function readBootId(): Promise<string | null> {
  const id = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')
  return id.trim() === '' ? null : id.trim()
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  )
}

async function groupName(gid: number): Promise<string | null> {
  const groups = await readFile('/etc/group', 'utf8').catch(() => '')
  for (const line of groups.split('\n')) {
    const [name, , id] = line.split(':')
    if (name !== undefined && id !== undefined && Number(id) === gid) return name
  }
  return null
}

async function userListedInGroup(group: string): Promise<boolean> {
  const user = userInfo().username
  const groups = await readFile('/etc/group', 'utf8').catch(() => '')
  for (const line of groups.split('\n')) {
    const [name, , , members] = line.split(':')
    if (name === group) return (members ?? '').split(',').includes(user)
  }
  return false
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  return typeof error.code === 'string' ? error.code : undefined
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  const code = errnoCode(error)
  return code !== undefined && codes.includes(code)
}
