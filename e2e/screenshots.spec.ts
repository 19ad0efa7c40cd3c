import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { testIsoPath } from './support/test-iso'
import { expect, test, useVireoHost } from './pages/fixtures'

useVireoHost()
const name = 'Vireo test OS'
const folder = join(import.meta.dirname, '..', 'docs', 'screenshots')

// Refreshes docs/screenshots/{wizard,console,list}.png; run with VIREO_SCREENSHOTS=1.
test.skip(
  process.env.VIREO_SCREENSHOTS !== '1',
  'set VIREO_SCREENSHOTS=1 to refresh the screenshots',
)

test('screenshots of the wizard, the console and the list', async ({ app, page }) => {
  test.setTimeout(600_000)
  mkdirSync(folder, { recursive: true })
  await app.open('#/new')
  await app.wizard.chooseIso(testIsoPath())
  await page.screenshot({ path: join(folder, 'wizard.png') })

  await app.wizard.createAndStart()
  await app.console.waitForPicture(name)
  await app.console.backToList()
  await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 240_000 })
  await app.list.act(name, 'Start')
  await app.list.act(name, 'Console')
  await app.console.waitForPicture(name)
  // The installed system's banner and prompt (text on the screen, not just the firmware).
  await expect.poll(() => app.console.ink(name), { timeout: 120_000 }).toBeGreaterThan(0.02)
  await page.screenshot({ path: join(folder, 'console.png') })

  // A second VM, stopped, so that the list shows both kinds of card.
  await app.newVmButton.click()
  await app.wizard.chooseIso(testIsoPath())
  await app.wizard.button('Customize…').click()
  await app.wizard.button('Next').click()
  await app.wizard.field('Name').fill('Build server')
  await app.wizard.button('Next').click()
  await app.wizard.button('Create and start').click()
  await app.console.waitForPicture('Build server')
  await app.console.backToList()
  await app.list.forceOff('Build server')
  await expect(app.list.state('Build server')).toHaveText('Stopped', { timeout: 60_000 })

  await expect(app.list.thumbnail(name)).toBeVisible({ timeout: 30_000 })
  await page.mouse.move(0, 0)
  await page.waitForTimeout(3500)
  await page.screenshot({ path: join(folder, 'list.png') })
})
