import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeWindowsIso } from '../src-main/core/os/testing/windows-iso'
import { expect, test, useVireoHost } from './pages/fixtures'

useVireoHost()

// A small ISO carrying Windows 11's label and files (sources/idwbinfo.txt, build 22631): the
// wizard's OS page shows what Vireo makes of it, before anything is made.
const dir = mkdtempSync(join(tmpdir(), 'vireo-e2e-win-'))
test.afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('a Windows 11 ISO gets Windows 11’s defaults in the wizard', async ({ app, page }) => {
  const iso = await makeWindowsIso(join(dir, 'Win11_23H2_English_x64.iso'), { label: 'CCCOMA_X64FRE_EN-US_DV9', build: 22631 })
  await app.open('#/new')
  await app.wizard.chooseIso(iso)
  await expect(app.wizard.detectedOs('Windows 11')).toBeVisible()
  const summary = app.wizard.root.locator('dl.summary')
  await expect(summary).toContainText('4 GiB')
  await expect(summary).toContainText('64 GiB')
  await expect(summary).toContainText('UEFI')
  await expect(summary.locator('dt', { hasText: /vCPU|CPU/ }).locator('xpath=following-sibling::dd[1]')).toHaveText('2')
  await expect(page.getByTestId('windows-hardware')).toContainText('SATA disk, e1000e network card, clock in local time')
  await expect(page.getByTestId('windows-hardware')).toContainText('Secure Boot and a TPM 2.0')
})
