import { existsSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { testIsoPath } from '../src-main/core/testing/test-iso'
import { expect, test, useVireoHost } from './pages/fixtures'
import { DetailsPage } from './pages/details-page'

const host = useVireoHost()
const name = 'Vireo test OS'

/** How many times the guest has printed its "ready" line on the serial port. */
async function readyCount(details: DetailsPage): Promise<number> {
  const log = await details.log('Serial console')
  const text = (await log.textContent()) ?? ''
  return text.split('Vireo test OS: ready').length - 1
}

/** A second tab on the VM's details, to read the guest's serial log while the console runs. */
async function openDetailsTab(page: Page, id: string): Promise<DetailsPage> {
  const tab = await page.context().newPage()
  await tab.goto(`${host().url}#/vm/${id}`)
  return new DetailsPage(tab)
}

test('from an ISO to the console in two clicks, then keys, typing and the list actions', async ({
  app,
  page,
}) => {
  test.setTimeout(900_000)
  let id = ''
  let details: DetailsPage

  await test.step('the wizard creates the VM from the ISO and opens its console', async () => {
    await app.open()
    await app.newVmButton.click()
    // Click 1: Next after the ISO's path; click 2: Create and start (the detected defaults).
    await app.wizard.chooseIso(testIsoPath())
    await expect(app.wizard.detectedOs(name)).toBeVisible()
    await app.wizard.createAndStart()
    await expect(page).toHaveURL(/#\/vm\/[a-z0-9]+\/console$/, { timeout: 60_000 })
    id = /#\/vm\/([a-z0-9]+)\/console$/.exec(page.url())?.[1] ?? ''
    await app.console.waitForPicture(name)
  })

  await test.step('the installer powers off; Start in the console boots the installed system', async () => {
    await expect(app.console.startButton).toBeVisible({ timeout: 240_000 })
    await app.console.startButton.click()
    await app.console.waitForPicture(name)
    details = await openDetailsTab(page, id)
    await expect.poll(() => readyCount(details), { timeout: 180_000, intervals: [2000] }).toBe(1)
  })

  await test.step('the keys menu reaches the guest: Ctrl+Alt+F2 and back, Ctrl+Alt+Del', async () => {
    await app.console.canvas(name).click()
    const tty1 = await app.console.snapshot(name)
    await app.console.sendKey('Ctrl+Alt+F2')
    await expect(app.console.sentStatus).toHaveText('Sent Ctrl+Alt+F2')
    await expect.poll(() => app.console.snapshot(name), { timeout: 30_000 }).not.toBe(tty1)
    await app.console.sendKey('Ctrl+Alt+F1')
    await expect.poll(() => app.console.ink(name), { timeout: 30_000 }).toBeGreaterThan(0.001)
    await app.console.sendKey('Ctrl+Alt+Del')
    await expect(app.console.sentStatus).toHaveText('Sent Ctrl+Alt+Del')
    // The guest's init restarts it on Ctrl+Alt+Del: it comes up a second time.
    await expect.poll(() => readyCount(details), { timeout: 180_000, intervals: [2000] }).toBe(2)
  })

  await test.step('typed text reaches the guest shell (shifted characters included)', async () => {
    await app.console.typeText('echo VIREO-TYPED-$((6*7)) > /dev/ttyS0\n')
    const log = await details.log('Serial console')
    await expect(log).toContainText('VIREO-TYPED-42', { timeout: 60_000 })
  })

  await test.step('the list shows it running, with a live thumbnail', async () => {
    await app.console.backToList()
    await expect(app.list.state(name)).toHaveText('Running')
    await expect(app.list.thumbnail(name)).toBeVisible({ timeout: 30_000 })
  })

  await test.step('Pause and Resume', async () => {
    await app.list.act(name, 'Pause')
    await expect(app.list.state(name)).toHaveText('Paused')
    await app.list.act(name, 'Resume')
    await expect(app.list.state(name)).toHaveText('Running')
  })

  await test.step('Reboot restarts the guest', async () => {
    await app.list.act(name, 'Reboot')
    await expect(app.list.state(name)).toHaveText('Running')
    await expect.poll(() => readyCount(details), { timeout: 180_000, intervals: [2000] }).toBe(3)
  })

  await test.step('a guest kernel panic pauses it as crashed; Reboot brings it back', async () => {
    await app.list.act(name, 'Console')
    await app.console.waitForPicture(name)
    // What a panicking kernel's pvpanic driver does: write 1 to I/O port 0x505.
    await app.console.typeText("printf '\\001' | dd of=/dev/port bs=1 seek=1285 count=1\n")
    await app.console.backToList()
    await expect(app.list.state(name)).toHaveText('Paused', { timeout: 60_000 })
    await expect(app.list.card(name)).toContainText('Paused because the guest OS crashed')
    await expect(app.list.action(name, 'Resume')).toHaveCount(0)
    await app.list.act(name, 'Reboot')
    await expect(app.list.state(name)).toHaveText('Running')
    await expect.poll(() => readyCount(details), { timeout: 180_000, intervals: [2000] }).toBe(4)
  })

  // Shut down, Start, Force off and Delete with the disks are steps of the journey
  // (journey.spec.ts); here the VM goes with its disk kept.
  await test.step('Force off, after confirming; Delete keeps the disk unless asked', async () => {
    await app.list.forceOff(name)
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
    await expect(app.list.card(name)).toContainText('Forced off')
    await details.page.close()
    await app.list.delete(name, { disks: false })
    await expect(app.list.card(name)).toHaveCount(0)
    await expect(app.list.emptyState).toBeVisible()
    // The list says where the disk went (out of the VM's folder, which is gone), and it is there.
    const notice = page
      .getByRole('status')
      .filter({ hasText: `Deleted “${name}”. Its disk was kept:` })
    const kept = (await notice.locator('.list-notice-path').textContent()) ?? ''
    expect(kept).toMatch(/kept-disks\/[a-z0-9]+\/disk0\.qcow2$/)
    expect(existsSync(kept), `${kept} is kept`).toBe(true)
    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await expect(notice).toHaveCount(0)
  })
})
