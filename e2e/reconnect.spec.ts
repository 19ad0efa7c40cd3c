import { spawn } from 'node:child_process'
import type { VireoWeb } from './support/vireo-web'
import { testIsoPath } from './support/test-iso'
import { expect, setVireoHost, test, useVireoHost } from './pages/fixtures'

const host = useVireoHost()
const name = 'Vireo test OS'

/** Starts the web host again on the same port, token and VIREO_HOME (VMs kept running). */
async function startAgain(old: VireoWeb): Promise<VireoWeb> {
  const port = new URL(old.origin).port
  const child = spawn(
    process.execPath,
    ['bin/vireo.js', 'web', '--port', port, '--token', old.token],
    {
      env: { ...process.env, VIREO_HOME: old.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`vireo web did not restart:\n${output}`)),
      30_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('running at')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
  return {
    ...old,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

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
  setVireoHost(await startAgain(old))
  await expect(app.reconnectingBanner).toBeHidden({ timeout: 30_000 })

  // The same page (no reload), the list fetched again, and events flowing again.
  expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(marker)
  await expect(app.list.state(name)).toHaveText('Running')
  await app.list.forceOff(name)
  await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
})
