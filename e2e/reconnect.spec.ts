import { startVireoWeb } from './support/vireo-web'
import { testIsoPath } from './support/test-iso'
import { expect, setVireoHost, test, useVireoHost } from './pages/fixtures'

const host = useVireoHost()
const name = 'Vireo test OS'

test('the UI rides out a restart of the web host while a VM runs, without a reload', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000)
  await app.open('#/new')
  await app.wizard.chooseIso(testIsoPath())
  await app.wizard.createAndStart()
  await app.console.waitForPicture(name)
  await app.console.backToList()
  // The installer powers off by itself; the installed system then runs until stopped.
  await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 240_000 })
  await app.list.act(name, 'Start')
  await expect(app.list.state(name)).toHaveText('Running', { timeout: 60_000 })

  const marker = await page.evaluate(
    () => ((globalThis as { marker?: number }).marker = Date.now()),
  )
  const old = host()
  await old.stop()
  await expect(app.reconnectingBanner).toBeVisible()
  // The same port, token and VIREO_HOME: the page's cookie and URL stay valid.
  setVireoHost(
    await startVireoWeb({
      home: old.home,
      port: Number(new URL(old.origin).port),
      token: old.token,
    }),
  )
  await expect(app.reconnectingBanner).toBeHidden({ timeout: 30_000 })

  // The same page (no reload), the list fetched again, and events flowing again.
  expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(marker)
  await expect(app.list.state(name)).toHaveText('Running')
  await app.list.forceOff(name)
  await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
})
