import { runJourney } from './journey/journey'
import { startVireoWeb } from '../src-main/web/testing/vireo-web'
import { expect, setVireoHost, test, useVireoHost } from './pages/fixtures'

const host = useVireoHost()

test('the journey in the browser: host check, wizard, install, start, stop, host restart, delete', async ({
  app,
  page,
}) => {
  test.setTimeout(900_000)
  await runJourney({
    kind: 'web',
    app: () => app,
    restart: async () => {
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
      // The same page, not a reload: the UI rode out the restart.
      expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(marker)
    },
  })
})
