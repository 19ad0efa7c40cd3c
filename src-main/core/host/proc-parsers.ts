/** Parsers for the text the host gives us: /proc files and `--version` output. Pure functions. */

/** `MemTotal` and `MemAvailable` of /proc/meminfo, in MiB (rounded down). */
export function parseMeminfo(text: string): { totalMiB: number; availableMiB: number } {
  const kib = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB$`, 'm').exec(text)
    return m?.[1] === undefined ? undefined : Number(m[1])
  }
  const total = kib('MemTotal')
  if (total === undefined) throw new Error('MemTotal missing from /proc/meminfo')
  // MemAvailable exists since Linux 3.14; before that, free + page cache is the usual estimate.
  const available = kib('MemAvailable') ?? (kib('MemFree') ?? 0) + (kib('Cached') ?? 0)
  return { totalMiB: Math.floor(total / 1024), availableMiB: Math.floor(available / 1024) }
}

/** The hardware-virtualisation flags (`vmx` Intel VT-x, `svm` AMD-V) in /proc/cpuinfo. */
export function parseVirtFlags(cpuinfo: string): string[] {
  const found = new Set<string>()
  for (const m of cpuinfo.matchAll(/^flags\s*:(.*)$/gm)) {
    for (const flag of (m[1] ?? '').split(/\s+/)) {
      if (flag === 'vmx' || flag === 'svm') found.add(flag)
    }
  }
  return [...found].sort()
}

/** KVM modules (kvm, kvm_intel, kvm_amd, …) listed in /proc/modules. */
export function parseKvmModules(procModules: string): string[] {
  const names = procModules
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name === 'kvm' || name.startsWith('kvm_'))
  return [...new Set(names)].sort()
}

/**
 * The version in the first line of `qemu-system-x86_64 --version` or `qemu-img --version`:
 * `QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)` → `7.2.22`.
 */
export function parseQemuVersion(output: string): string | null {
  const m = /\bversion\s+v?(\d+\.\d+(?:\.\d+)?)/.exec(output)
  return m?.[1] ?? null
}

/**
 * The state (field 3: R, S, Z…) and start time (field 22, clock ticks since boot) of a
 * /proc/<pid>/stat line. The command name (field 2) is in parentheses and may hold spaces and
 * parentheses of its own: the fields are read after its last `)`.
 */
export function parseProcStat(text: string): { state: string | null; startTime: number | null } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const start = Number(rest[19])
  return { state: rest[0] ?? null, startTime: Number.isFinite(start) ? start : null }
}
