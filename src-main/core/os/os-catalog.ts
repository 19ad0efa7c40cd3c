import type { OsHardware } from '../types'
import type { Firmware } from '../vms/config'
import type { IsoFiles } from './iso-files'
import { detectWindows } from './windows-detect'

/**
 * Which OS an installer ISO holds, from its volume label. Vireo keeps its own table:
 * Debian 12's osinfo-db dates from 2022 and knows no Debian 12. Recommendations follow the
 * distributions' own minimums with headroom, as GNOME Boxes does.
 */
export interface OsEntry {
  id: string
  name: (match: RegExpMatchArray) => string
  label: RegExp
  memoryMiB: number
  cpus: number
  diskGiB: number
  firmware: Firmware
  /** Hardware an OS needs beyond a modern Linux guest's (virtio, UTC, no enlightenments). */
  hardware?: OsHardware
}

const windowsHardware: OsHardware = { diskBus: 'sata', nicModel: 'e1000e', rtc: 'localtime', hyperv: true, tablet: true, virtioDriversIso: true }
/** Windows 11 refuses to install without UEFI, Secure Boot and TPM 2.0, 4 GiB, 2 cores, 64 GB. */
const windows11 = { memoryMiB: 4096, cpus: 2, diskGiB: 64, firmware: 'uefi', hardware: { ...windowsHardware, tpm: true, secureBoot: true } } as const
const windows10 = { memoryMiB: 4096, cpus: 2, diskGiB: 64, firmware: 'uefi', hardware: windowsHardware } as const
const windowsServer = { memoryMiB: 4096, cpus: 2, diskGiB: 64, firmware: 'uefi', hardware: { ...windowsHardware, tpm: true, secureBoot: true } } as const

const linux = { memoryMiB: 2048, cpus: 2, diskGiB: 20, firmware: 'bios' } as const

export const osCatalog: OsEntry[] = [
  {
    id: 'vireo-test',
    label: /^VIREO_TEST/i,
    name: () => 'Vireo test OS',
    memoryMiB: 256,
    cpus: 1,
    diskGiB: 0.25,
    firmware: 'bios',
  },
  { id: 'fedora', label: /^Fedora[-_ ].*?(?<=[- ])(\d{2})(?=[-_ .]|$)/i, name: (m) => `Fedora ${m[1] ?? ''}`.trim(), ...linux, diskGiB: 25 },
  { id: 'debian', label: /^Debian (\d+)/i, name: (m) => `Debian ${m[1] ?? ''}`.trim(), ...linux },
  { id: 'ubuntu', label: /^Ubuntu(?:-Server)? (\d+\.\d+)/i, name: (m) => `Ubuntu ${m[1] ?? ''}`.trim(), ...linux, memoryMiB: 4096, diskGiB: 25 },
  { id: 'linuxmint', label: /^Linux Mint (\d+(?:\.\d+)?)/i, name: (m) => `Linux Mint ${m[1] ?? ''}`.trim(), ...linux, memoryMiB: 4096 },
  { id: 'alpine', label: /^alpine-\w+ (\d+\.\d+)/i, name: (m) => `Alpine Linux ${m[1] ?? ''}`.trim(), memoryMiB: 512, cpus: 1, diskGiB: 4, firmware: 'bios' },
  { id: 'archlinux', label: /^ARCH_\d+/i, name: () => 'Arch Linux', ...linux },
  { id: 'opensuse', label: /^openSUSE[-_ ]?(Leap|Tumbleweed)?/i, name: (m) => `openSUSE ${m[1] ?? ''}`.trim(), ...linux, diskGiB: 25 },
  { id: 'rhel-like', label: /^(Rocky|AlmaLinux|CentOS-Stream|RHEL)[-_ ]?(\d+)?/i, name: (m) => `${m[1] ?? ''} ${m[2] ?? ''}`.trim(), ...linux },
]

/** The Windows entries, by what windows-detect.ts tells apart (ids as osinfo-db's). */
export const windowsEntries = {
  win11: { id: 'win11', ...windows11 },
  win10: { id: 'win10', ...windows10 },
  // A consumer label without the files that tell 10 from 11: Windows 11's needs suit both.
  win10or11: { id: 'win11', ...windows11 },
  server: { id: 'winserver', ...windowsServer },
}

export const genericLinux = { id: 'generic-linux', name: 'Unknown OS (generic Linux defaults)', ...linux }

export type { OsHardware }

export type OsMatch = { id: string; name: string; entry: Omit<OsEntry, 'label' | 'name' | 'id'> }

/** The OS of an ISO from its label and, for Windows, the files it carries. */
export function detectOs(label: string | null, files: IsoFiles = { names: new Set(), texts: new Map() }): OsMatch | null {
  const windows = detectWindows(label, files)
  if (windows !== null) {
    const { id, ...entry } = windowsEntries[windows.kind]
    return { id, name: windows.name, entry }
  }
  if (label === null) return null
  for (const entry of osCatalog) {
    const match = label.match(entry.label)
    if (match) return { id: entry.id, name: entry.name(match), entry }
  }
  return null
}
