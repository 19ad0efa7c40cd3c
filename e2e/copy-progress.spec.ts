import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { callApi } from './support/page-api'
import { pauseProcess } from './support/paused-process'
import { expect, test, useVireoHost } from './pages/fixtures'
import { errors, type Locator, type Page } from '@playwright/test'

useVireoHost()
const work = mkdtempSync(join(tmpdir(), 'vireo-e2e-copy-'))
test.afterAll(() => rmSync(work, { recursive: true, force: true }))

// Large enough that its copy lives long enough to be caught and held half-way.
const imageSize = '256M'
const written = '240M'

/**
 * Holds the copy's qemu-img half-way and checks that the page shows how far it got (its
 * percentage and a progress bar with that value), then lets it finish.
 */
async function showsProgress(page: Page, words: string[], text: string): Promise<void> {
  const copy = await pauseProcess(words)
  const status = page.getByRole('status').filter({ hasText: text })
  try {
    await expect(status, 'the page shows the copy under way').toBeVisible()
    // Until qemu-img has said how far it is, the bar has no value: let it run a little, then
    // give the page the time it needs to show what qemu-img said, before letting it run on.
    const withPercent = status.filter({ hasText: /\d+ %$/ })
    while (!(await shows(withPercent))) {
      const running = await copy.step(2)
      expect(running, `the copy ended, and "${text}" never showed a percentage`).toBe(true)
    }
    const percent = Number(/(\d+) %$/.exec((await status.textContent()) ?? '')?.[1])
    expect(percent).toBeLessThan(100)
    await expect(status.getByRole('progressbar')).toHaveAttribute('value', /^\d/)
  } finally {
    copy.resume()
  }
}

/** Whether `locator` appears within a moment (the page catching up with an event). */
async function shows(locator: Locator): Promise<boolean> {
  return locator.waitFor({ timeout: 250 }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof errors.TimeoutError) return false
      throw error
    },
  )
}

test('importing and cloning a large disk show how far the copy has got', async ({ app, page }) => {
  test.setTimeout(300_000)
  const image = join(work, 'server.img')
  await execa('qemu-img', ['create', '-f', 'raw', image, imageSize])
  await execa('qemu-io', ['-f', 'raw', '-c', `write -P 0x5a 0 ${written}`, image])

  await test.step('the wizard imports an existing disk image, with its progress', async () => {
    await app.open('#/new')
    await page.getByRole('radio', { name: /Existing disk image/ }).check()
    await app.wizard.field('Disk image file').fill(image)
    await app.wizard.field('Image format').selectOption({ label: 'raw' })
    await app.wizard.button('Next').click()
    await app.wizard.field('Memory (MiB)').fill('64')
    await app.wizard.button('Next').click()
    await app.wizard.field('Name').fill('Imported')
    await app.wizard.button('Next').click()
    await app.wizard.button('Create and start').click()
    await showsProgress(page, ['convert', image], 'Importing the disk image…')
    await expect(page).toHaveURL(/\/console$/, { timeout: 120_000 })
  })

  await test.step('Clone… copies its disk, with its progress', async () => {
    const [listed] = await callApi(page, 'listVms', {})
    await callApi(page, 'forceOffVm', { id: listed!.id })
    const vm = await callApi(page, 'getVm', { id: listed!.id })
    await app.open(`#/vm/${vm.id}`)
    const dialog = await app.details.openClone('Imported')
    await dialog.getByRole('button', { name: 'Clone', exact: true }).click()
    await showsProgress(page, ['convert', vm.disks[0]!.path], 'Copying the disks…')
    await expect(page.getByRole('heading', { name: 'Imported (clone)', level: 1 })).toBeVisible({
      timeout: 120_000,
    })
  })

  // Both copies hold the image's contents.
  for (const vm of await callApi(page, 'listVms', {})) {
    const { disks } = await callApi(page, 'getVm', { id: vm.id })
    const compare = await execa(
      'qemu-img',
      ['compare', '-f', 'raw', '-F', 'qcow2', image, disks[0]!.path],
      { reject: false },
    )
    expect(compare.exitCode, `${vm.name}: ${compare.stdout}`).toBe(0)
  }
})
