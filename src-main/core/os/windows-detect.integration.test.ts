import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findDriversIso, inspectIso } from './iso-inspection'
import { makeWindowsIso } from './testing/windows-iso'

// Real ISOs made with xorriso, read back by inspectIso as a wizard's or the CLI's would be.
const dir = mkdtempSync(join(tmpdir(), 'vireo-win-iso-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('inspectIso tells Windows 11, 10 and Server apart from the ISO itself', () => {
  it('reads Windows 11 from idwbinfo.txt under the consumer label both versions share', async () => {
    const iso = await makeWindowsIso(join(dir, 'Win11.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 22621 })
    const r = await inspectIso(iso)
    expect(r.os).toEqual({ id: 'win11', name: 'Windows 11' })
    expect(r.recommended).toEqual({
      memoryMiB: 4096,
      cpus: 2,
      diskGiB: 64,
      firmware: 'uefi',
      hardware: { diskBus: 'sata', nicModel: 'e1000e', rtc: 'localtime', hyperv: true, tablet: true, virtioDriversIso: true, tpm: true, secureBoot: true },
    })
  })

  it('reads Windows 10 from a build below 22000, without TPM or Secure Boot', async () => {
    const iso = await makeWindowsIso(join(dir, 'Win10.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 19045 })
    const r = await inspectIso(iso)
    expect(r.os).toEqual({ id: 'win10', name: 'Windows 10' })
    expect(r.recommended.hardware).toMatchObject({ diskBus: 'sata', nicModel: 'e1000e', rtc: 'localtime' })
    expect(r.recommended.hardware?.tpm).toBeUndefined()
  })

  it('reads Windows Server from its label or from ei.cfg, with the release its build names', async () => {
    const byLabel = await inspectIso(await makeWindowsIso(join(dir, 'srv.iso'), { label: 'SSS_X64FREE_EN-US_DV9', build: 20348 }))
    expect(byLabel.os).toEqual({ id: 'winserver', name: 'Windows Server 2022' })
    const byEdition = await inspectIso(await makeWindowsIso(join(dir, 'srv2.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 26100, edition: 'ServerStandard' }))
    expect(byEdition.os).toEqual({ id: 'winserver', name: 'Windows Server 2025' })
  })

  it('gives a consumer label with no build information Windows 11’s needs, which suit 10 too', async () => {
    const r = await inspectIso(await makeWindowsIso(join(dir, 'udf.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', installer: false }))
    expect(r.os).toEqual({ id: 'win11', name: 'Windows 10 or 11' })
    expect(r.recommended.firmware).toBe('uefi')
  })

  it('knows a Windows installer by its files when the label was changed', async () => {
    const r = await inspectIso(await makeWindowsIso(join(dir, 'custom.iso'), { label: 'MY_REMASTER', build: 22631 }))
    expect(r.os?.id).toBe('win11')
  })

  it('finds a virtio-win drivers ISO in the ISO folders, the newest first', async () => {
    const folder = mkdtempSync(join(dir, 'isos-'))
    for (const name of ['virtio-win-0.1.229.iso', 'virtio-win-0.1.240.iso', 'debian.iso']) writeFileSync(join(folder, name), '')
    expect(await findDriversIso([folder])).toBe(join(folder, 'virtio-win-0.1.240.iso'))
    expect(await findDriversIso([mkdtempSync(join(dir, 'none-'))])).toBeNull()
    // What the wizard offers to attach: inspectIso of a Windows ISO names it (ISO folders from
    // VIREO_ISO_DIRS here, the settings' isoFolders otherwise); a Linux ISO gets none.
    const saved = process.env.VIREO_ISO_DIRS
    process.env.VIREO_ISO_DIRS = folder
    try {
      const win = await inspectIso(join(dir, 'Win11.iso'))
      expect(win.driversIso).toBe(join(folder, 'virtio-win-0.1.240.iso'))
    } finally {
      if (saved === undefined) delete process.env.VIREO_ISO_DIRS
      else process.env.VIREO_ISO_DIRS = saved
    }
  })
})
