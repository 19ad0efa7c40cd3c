import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { electronBinary, launchElectron, type RunningApp } from './journey/electron-app'
import { runJourney } from './journey/journey'
import { AppPage } from './pages/app-page'
import { watchPageProblems } from './pages/fixtures'
import { removeHome } from '../src-main/web/testing/vireo-web'

const binary = electronBinary()
const display = process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY

test('the journey in the Electron app: the same steps, the app restarted instead of the host', async () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '')
  test.skip(display === undefined, 'no display for the Electron window: run under xvfb-run')
  if ('missing' in binary) return
  test.setTimeout(900_000)
  const home = mkdtempSync(join(tmpdir(), 'vireo-e2e-electron-'))
  const problems: string[] = []
  const launch = async () => {
    const running = await launchElectron(binary.path, home)
    watchPageProblems(running.window, problems)
    return running
  }
  let running: RunningApp = await launch()
  try {
    await runJourney({
      kind: 'electron',
      app: () => new AppPage(running.window, null),
      restart: async () => {
        const hash = await running.window.evaluate(
          () => (globalThis as unknown as { location: { hash: string } }).location.hash,
        )
        await running.app.close()
        running = await launch()
        await new AppPage(running.window, null).open(hash)
      },
    })
  } finally {
    await running.app.close()
    await removeHome(home)
  }
  expect(problems, 'errors in the window').toEqual([])
})
