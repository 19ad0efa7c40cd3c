import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { execa } from 'execa'

/**
 * Test support (not shipped): a small ISO that looks like a Windows installer to Vireo, made
 * with xorriso (Joliet names, as the real ones keep their case): Microsoft's volume label and,
 * as asked, setup.exe, sources/install.wim, sources/idwbinfo.txt with a build number (CRLF
 * lines, as Microsoft writes them), sources/ei.cfg with an edition, EFI boot files.
 */
export interface WindowsIsoOptions {
  label: string
  /** BuildNumber in sources/idwbinfo.txt; none: no idwbinfo.txt. */
  build?: number
  /** EditionID in sources/ei.cfg; none: no ei.cfg. */
  edition?: string
  /** Whether to carry setup.exe, sources/install.wim and the EFI loader (default true). */
  installer?: boolean
}

export async function makeWindowsIso(path: string, o: WindowsIsoOptions): Promise<string> {
  const content = mkdtempSync(join(dirname(path), '.content-'))
  const put = (file: string, text: string) => {
    mkdirSync(dirname(join(content, file)), { recursive: true })
    writeFileSync(join(content, file), text)
  }
  try {
    if (o.installer !== false) {
      put('setup.exe', 'MZ')
      put('sources/install.wim', 'MSWIM\0\0\0')
      put('efi/boot/bootx64.efi', 'MZ')
      put('bootmgr', '')
    }
    if (o.build !== undefined) {
      put('sources/idwbinfo.txt', ['[BUILDINFO]', 'BuildArch=amd64', 'BuildBranch=release', 'BuildType=fre', `BuildNumber=${o.build}`, ''].join('\r\n'))
    }
    if (o.edition !== undefined) put('sources/ei.cfg', ['[EditionID]', o.edition, '[Channel]', 'Retail', ''].join('\r\n'))
    if (o.installer === false && o.build === undefined) put('README.TXT', 'This disc contains a "UDF" file system.')
    await execa('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '-V', o.label, '-o', path, content])
  } finally {
    rmSync(content, { recursive: true, force: true })
  }
  return path
}
