import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import type { AppPage } from '../pages/app-page'
import { callApi, serialLog } from '../support/page-api'
import { testIsoPath } from '../../src-main/core/testing/test-iso'

/** How the journey reaches the app: the web host in Chromium, or the Electron app. */
export interface JourneyDoor {
  readonly kind: 'web' | 'electron'
  /** The UI as it is now (restarting the Electron app gives it a new window). */
  app(): AppPage
  /**
   * Restarts what serves the UI (the web host, or the whole Electron app) while a VM runs,
   * and leaves the UI on the screen it showed.
   */
  restart(): Promise<void>
}

const name = 'Vireo test OS'
/** Where `VIREO_SCREENSHOTS=1` copies the web journey's pictures, for the README. */
const docsFolder = join(import.meta.dirname, '..', '..', 'docs', 'screenshots', 'journey')

/**
 * The mission in one test: from the host check, through the wizard and the installer in the
 * console, to starting, stopping and deleting the VM from the list, with a host restart on
 * the way. Every step leaves a screenshot among the test's attachments.
 */
export async function runJourney(door: JourneyDoor): Promise<void> {
  const shot = screenshots(door.kind)
  let id = ''

  await test.step('1. the host panel shows the accelerator and why', async () => {
    const app = door.app()
    await app.open()
    const report = await callApi(app.page, 'hostCheck', {})
    await expect(app.hostPanel).toContainText(
      report.accel === 'kvm' ? 'Acceleration: KVM' : 'Acceleration: TCG',
    )
    // Why: under KVM the note gives the probe's result; under TCG the KVM item gives the cause.
    const kvm = report.items.find((item) => item.id === 'kvm')
    const why =
      report.accel === 'kvm' || kvm === undefined ? [report.accelReason] : [kvm.title, kvm.detail]
    for (const text of why) await expect(app.hostPanel).toContainText(text)
    await expect(app.list.emptyState).toBeVisible()
    await shot(app.page, 'host')
  })

  await test.step('2. New VM → the test ISO → OS detected → Create, in at most 3 clicks', async () => {
    const app = door.app()
    await app.newVmButton.click()
    await app.wizard.isoPath.fill(testIsoPath())
    await countClicks(app.page)
    await app.wizard.button('Next').click()
    await expect(app.wizard.detectedOs(name)).toBeVisible()
    await shot(app.page, 'wizard')
    await app.wizard.createAndStart()
    await expect(app.page).toHaveURL(/#\/vm\/[a-z0-9]+\/console$/, { timeout: 60_000 })
    expect(await clicks(app.page), 'clicks from the chosen ISO to the console').toBeLessThanOrEqual(
      3,
    )
    id = /#\/vm\/([a-z0-9]+)\/console$/.exec(app.page.url())?.[1] ?? ''
  })

  await test.step('3. the console shows the installer at work; it powers off; the list shows it stopped', async () => {
    const app = door.app()
    await app.console.waitForPicture(name)
    const early = await app.console.snapshot(name)
    await expect
      .poll(() => serialLog(app.page, id), { timeout: 180_000, intervals: [500] })
      .toContain('VIREO-INSTALLER: partitioning')
    await expect.poll(() => app.console.snapshot(name), { timeout: 30_000 }).not.toBe(early)
    await shot(app.page, 'installer')
    await expect(app.console.startButton).toBeVisible({ timeout: 240_000 })
    expect(await serialLog(app.page, id)).toContain('VIREO-INSTALLER: done, powering off')
    await app.console.backToList()
    await expect(app.list.state(name)).toHaveText('Stopped')
    await expect(app.list.card(name)).toContainText('The guest shut down')
  })

  await test.step('4. Start boots the installed system from the disk, with no eject', async () => {
    const app = door.app()
    const { cdrom: iso } = await callApi(app.page, 'getVm', { id })
    expect(iso, 'the installer ISO stays inserted').toBe(testIsoPath())
    await app.list.act(name, 'Start')
    await expect(app.list.state(name)).toHaveText('Running', { timeout: 60_000 })
    await waitForSerial(app.page, id, 'Vireo test OS: ready')
    const log = await serialLog(app.page, id)
    expect(log).toContain('Vireo test OS — installed')
    expect(log, 'this boot ran the installed system, not the installer').not.toContain(
      'VIREO-INSTALLER',
    )
    await expect(app.list.thumbnail(name)).toBeVisible({ timeout: 30_000 })
    await shot(app.page, 'list-running')
    await app.list.act(name, 'Console')
    await app.console.waitForPicture(name)
    // The banner and the prompt: lines of text on the screen, not just a cursor.
    await expect.poll(() => app.console.ink(name), { timeout: 60_000 }).toBeGreaterThan(0.02)
    await shot(app.page, 'installed')
    await app.console.backToList()
  })

  await test.step('5. Shut down (through the guest agent) → stopped; Start → Force off → stopped', async () => {
    const app = door.app()
    await app.list.act(name, 'Shut down')
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 120_000 })
    await expect(app.list.card(name)).toContainText('The guest shut down')
    // The test OS runs a guest agent, so Shut down goes through it (ACPI is the fallback,
    // proven in guest-agent.integration).
    expect(await serialLog(app.page, id)).toContain('Vireo test OS: clean poweroff by the guest agent')
    await app.list.act(name, 'Start')
    await expect(app.list.state(name)).toHaveText('Running', { timeout: 60_000 })
    await app.list.forceOff(name)
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
    await expect(app.list.card(name)).toContainText('Forced off')
    // Once the force-off call is answered, the VM can be started (or deleted) again.
    await expect(app.list.action(name, 'Start')).toBeEnabled()
    await shot(app.page, 'forced-off')
  })

  await test.step(`6. restart the ${door.kind === 'web' ? 'web host' : 'app'} while the VM runs: it runs on, the console reconnects`, async () => {
    let app = door.app()
    await app.list.act(name, 'Start')
    await expect(app.list.state(name)).toHaveText('Running', { timeout: 60_000 })
    await waitForSerial(app.page, id, 'Vireo test OS: ready')
    await app.list.act(name, 'Console')
    await app.console.waitForPicture(name)
    const { startedAt } = await callApi(app.page, 'getVm', { id })

    await door.restart()
    app = door.app()
    const vm = await callApi(app.page, 'getVm', { id })
    expect(vm.state).toBe('running')
    expect(vm.startedAt, 'the same run of QEMU').toBe(startedAt)
    await expect(app.console.waiting).toBeHidden({ timeout: 60_000 })
    await app.console.waitForPicture(name)
    // Keys reach the guest over the new console connection.
    await app.console.typeText('echo VIREO-RECONNECTED-$((6*7)) > /dev/ttyS0\n')
    await waitForSerial(app.page, id, 'VIREO-RECONNECTED-42')
    await shot(app.page, 'reconnected')
  })

  await test.step('7. Delete the VM with its disks → gone from the list and from the disk', async () => {
    const app = door.app()
    await app.console.backToList()
    await app.list.forceOff(name)
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
    const vm = await callApi(app.page, 'getVm', { id })
    const disks = vm.disks.map((disk) => disk.path)
    expect(disks.length).toBeGreaterThan(0)
    for (const disk of disks) expect(existsSync(disk), disk).toBe(true)
    await app.list.delete(name, { disks: true })
    await expect(app.list.card(name)).toHaveCount(0)
    await expect(app.list.emptyState).toBeVisible()
    for (const path of [vm.dir, ...disks]) expect(existsSync(path), `${path} is gone`).toBe(false)
    await shot(app.page, 'deleted')
  })
}

/** Takes the numbered screenshots of one journey: attached to the test's results. */
function screenshots(kind: JourneyDoor['kind']): (page: Page, label: string) => Promise<void> {
  let count = 0
  return async (page, label) => {
    const file = `${String(++count).padStart(2, '0')}-${label}.png`
    const info = test.info()
    const path = info.outputPath(`${kind}-${file}`)
    await page.screenshot({ path })
    await info.attach(`${kind} ${file}`, { path, contentType: 'image/png' })
    if (process.env.VIREO_SCREENSHOTS === '1' && kind === 'web') {
      mkdirSync(docsFolder, { recursive: true })
      copyFileSync(path, join(docsFolder, file))
    }
  }
}

async function waitForSerial(page: Page, id: string, text: string): Promise<void> {
  await expect
    .poll(() => serialLog(page, id), { timeout: 180_000, intervals: [1000] })
    .toContain(text)
}

/** Starts counting the clicks the page receives (reset by a reload). */
async function countClicks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = globalThis as unknown as {
      vireoClicks: number
      addEventListener(type: 'click', listener: () => void, capture: boolean): void
    }
    scope.vireoClicks = 0
    scope.addEventListener('click', () => scope.vireoClicks++, true)
  })
}

async function clicks(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { vireoClicks: number }).vireoClicks)
}
