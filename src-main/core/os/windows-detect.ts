import type { IsoFiles } from './iso-files'

/**
 * Which Windows an installer ISO holds. Microsoft's volume labels name the kind of media, not
 * the version: `CCCOMA_X64FRE_EN-US_DV9` is on both Windows 10 and Windows 11 consumer ISOs,
 * `SSS_X64FREE_…` and `CPBA_…` on Server ones. The ISO's own files settle it:
 * `sources/idwbinfo.txt` carries BuildNumber (22000 and later is Windows 11; Server 2016 is
 * 14393, 2019 17763, 2022 20348, 2025 26100) and `sources/ei.cfg` an EditionID that names a
 * server edition. Without them (an ISO whose ISO 9660 tree is only the UDF bridge's
 * README.TXT), a consumer label gets Windows 11's needs, which suit Windows 10 as well.
 */
export type WindowsKind = 'win11' | 'win10' | 'win10or11' | 'server'

export interface WindowsMatch {
  kind: WindowsKind
  name: string
  build: number | null
}

const CONSUMER_LABEL = /^(CCCOMA|CCSA|CENA|J_CCSA|Win1[01]|WINDOWS|CLIENT)/i
const SERVER_LABEL = /^(SSS_|CPBA_|SSS_X64|SERVER|WIN_?SERVER|Windows[-_ ]?Server)/i
const FILE_MARKERS = ['/sources/install.wim', '/sources/install.esd', '/sources/boot.wim']

const SERVER_BUILDS: [build: number, name: string][] = [
  [26100, 'Windows Server 2025'],
  [20348, 'Windows Server 2022'],
  [17763, 'Windows Server 2019'],
  [14393, 'Windows Server 2016'],
]

export function detectWindows(label: string | null, files: IsoFiles): WindowsMatch | null {
  const hasInstaller = FILE_MARKERS.some((f) => files.names.has(f))
  const byLabel = label === null ? null : SERVER_LABEL.test(label) ? 'server' : CONSUMER_LABEL.test(label) ? 'client' : null
  if (byLabel === null && !hasInstaller) return null
  const info = files.texts.get('/sources/idwbinfo.txt') ?? ''
  const build = Number(/^\s*BuildNumber\s*=\s*(\d+)/im.exec(info)?.[1] ?? NaN)
  const knownBuild = Number.isInteger(build) && build > 0 ? build : null
  const edition = /^\s*\[EditionID\]\s*$\s*^\s*(\S+)/im.exec(files.texts.get('/sources/ei.cfg') ?? '')?.[1] ?? ''
  const branch = /^\s*BuildBranch\s*=\s*(\S+)/im.exec(info)?.[1] ?? ''
  const server = byLabel === 'server' || /server/i.test(edition) || /server/i.test(label ?? '') || /^fe_release(_svc)?/i.test(branch)
  if (server) {
    const named = knownBuild === null ? undefined : SERVER_BUILDS.find(([b]) => knownBuild >= b)
    return { kind: 'server', name: named?.[1] ?? 'Windows Server', build: knownBuild }
  }
  if (knownBuild !== null) {
    return knownBuild >= 22000 ? { kind: 'win11', name: 'Windows 11', build: knownBuild } : { kind: 'win10', name: 'Windows 10', build: knownBuild }
  }
  return { kind: 'win10or11', name: 'Windows 10 or 11', build: null }
}
