import { describe, expect, it } from 'vitest'
import { detectOs } from './os-catalog'

// Volume labels as the real installer ISOs carry them.
const samples: [label: string, id: string, name: string][] = [
  ['Fedora-WS-Live-40-1-14', 'fedora', 'Fedora 40'],
  ['Fedora-S-dvd-x86_64-39', 'fedora', 'Fedora 39'],
  ['Debian 12.5.0 amd64 n', 'debian', 'Debian 12'],
  ['Ubuntu 24.04 LTS amd64', 'ubuntu', 'Ubuntu 24.04'],
  ['Ubuntu-Server 22.04.4 LTS amd64', 'ubuntu', 'Ubuntu 22.04'],
  ['alpine-std 3.20.0 x86_64', 'alpine', 'Alpine Linux 3.20'],
  ['ARCH_202405', 'archlinux', 'Arch Linux'],
  ['CCCOMA_X64FRE_EN-US_DV9', 'win11', 'Windows 10 or 11'],
  ['SSS_X64FREE_EN-US_DV9', 'winserver', 'Windows Server'],
  ['CPBA_X64FRE_EN-US_DV5', 'winserver', 'Windows Server'],
  ['Rocky-9-4-x86_64-dvd', 'rhel-like', 'Rocky 9'],
  ['VIREO_TEST', 'vireo-test', 'Vireo test OS'],
]

describe('detectOs', () => {
  for (const [label, id, name] of samples) {
    it(`recognises “${label}” as ${name}`, () => {
      expect(detectOs(label)).toMatchObject({ id, name })
    })
  }

  it('returns null for an unknown or missing label', () => {
    expect(detectOs('MY_BACKUP_2020')).toBeNull()
    expect(detectOs(null)).toBeNull()
  })

  it('tells Windows 11 from 10 by the build number in sources/idwbinfo.txt', () => {
    const files = (build: number) => ({ names: new Set(['/sources/install.wim']), texts: new Map([['/sources/idwbinfo.txt', `[BUILDINFO]\r\nBuildNumber=${build}\r\n`]]) })
    expect(detectOs('CCCOMA_X64FRE_EN-US_DV9', files(22000))).toMatchObject({ id: 'win11', name: 'Windows 11' })
    expect(detectOs('CCCOMA_X64FRE_EN-US_DV9', files(19045))).toMatchObject({ id: 'win10', name: 'Windows 10' })
    expect(detectOs('CCCOMA_X64FRE_EN-US_DV9', files(22000))?.entry.hardware).toMatchObject({ tpm: true, secureBoot: true })
  })

  it('suggests UEFI for Windows and BIOS for Linux', () => {
    expect(detectOs('CCCOMA_X64FRE_EN-US_DV9')?.entry.firmware).toBe('uefi')
    expect(detectOs('Debian 12.5.0 amd64 n')?.entry.firmware).toBe('bios')
  })
})
