import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { testIsoPath } from '../src-main/core/testing/test-iso'
import { callApi } from './support/page-api'
import { expect, test, useVireoHost } from './pages/fixtures'

// The settings every front end shares ($XDG_CONFIG_HOME/vireo/settings.json, the spec's own:
// see vireo-web.ts): the theme applies at once, in this tab and in another; an ISO folder
// added in Settings is searched by the wizard.
const host = useVireoHost()

// The page's own globals, typed here (the e2e code is compiled without the DOM library).
type PageScope = { document: { body: unknown }; getComputedStyle(e: unknown): { backgroundColor: string } }
const background = (page: Page) =>
  page.evaluate(() => {
    const scope = globalThis as unknown as PageScope
    return scope.getComputedStyle(scope.document.body).backgroundColor
  })
const light = 'rgb(246, 246, 244)' // --bg, base.css
const dark = 'rgb(27, 28, 28)'

async function openSettings(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click()
  return page.getByRole('dialog', { name: 'Settings' })
}

test('a theme chosen in Settings overrides the system, at once and in every tab', async ({ app, page, context }) => {
  await page.emulateMedia({ colorScheme: 'light' })
  await app.open()
  expect(await background(page)).toBe(light)
  const other = await context.newPage()
  await other.emulateMedia({ colorScheme: 'light' })
  await other.goto(host().origin)
  await other.getByRole('banner').getByText('Vireo', { exact: true }).waitFor()

  const dialog = await openSettings(page)
  await dialog.getByLabel('Theme').selectOption('dark')
  await expect.poll(() => background(page)).toBe(dark)
  await expect.poll(() => background(other)).toBe(dark)
  const file = join(host().configHome, 'vireo', 'settings.json')
  expect(JSON.parse(readFileSync(file, 'utf8')).theme).toBe('dark')

  // Light, on a system that prefers dark.
  await page.emulateMedia({ colorScheme: 'dark' })
  await dialog.getByLabel('Theme').selectOption('light')
  await expect.poll(() => background(page)).toBe(light)
  await dialog.getByLabel('Theme').selectOption('system')
  await expect.poll(() => background(page)).toBe(dark)
  await other.close()
})

test('an ISO folder added in Settings is searched by the wizard', async ({ app, page }) => {
  const folder = mkdtempSync(join(tmpdir(), 'vireo-e2e-isos-'))
  try {
    copyFileSync(testIsoPath(), join(folder, 'from-settings.iso'))
    await app.open()
    const found = async () => (await callApi(page, 'listIsoCandidates', {})).map((c) => c.path)
    expect(await found()).not.toContain(join(folder, 'from-settings.iso'))

    await app.page.goto(`${host().url}#/new`)
    await app.wizard.root.waitFor()
    const dialog = await openSettings(page)
    await dialog.getByLabel('Add a folder').fill(folder)
    await dialog.getByRole('button', { name: 'Add', exact: true }).click()
    await expect(dialog.getByText(folder, { exact: true })).toBeVisible()
    await dialog.getByRole('button', { name: 'Done' }).click()

    // The wizard, already open, looks again.
    await expect(app.wizard.root.getByRole('button', { name: /from-settings\.iso/ })).toBeVisible()

    const again = await openSettings(page)
    await again.getByRole('button', { name: `Remove ${folder}` }).click()
    await expect(again.getByText('Only your home folder and Downloads.')).toBeVisible()
    await again.getByRole('button', { name: 'Done' }).click()
    await expect(app.wizard.root.getByRole('button', { name: /from-settings\.iso/ })).toHaveCount(0)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})
