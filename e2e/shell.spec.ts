import { expect, test, useVireoHost } from './pages/fixtures'

useVireoHost()

test('shows the app shell, the host panel and an invitation to make the first VM', async ({
  app,
}) => {
  await app.open()
  await expect(app.appName).toBeVisible()
  await expect(app.newVmButton).toBeVisible()
  await expect(app.hostPanel).toContainText(/Acceleration: (KVM|TCG \(software\))/)
  await expect(app.hostPanel).toContainText(/QEMU \d+\.\d+/)
  await expect(app.list.emptyState).toBeVisible()

  await app.page.getByRole('button', { name: 'Create your first VM' }).click()
  await expect(app.wizard.root).toBeVisible()
  await expect(app.page).toHaveURL(/#\/new$/)
})

test('switches the language in the settings and keeps the choice', async ({ app, page }) => {
  await app.open()
  await app.setLanguage('zh-CN')
  await expect(page.getByRole('heading', { name: '虚拟机', exact: true })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')

  await page.reload()
  await expect(page.getByRole('heading', { name: '虚拟机', exact: true })).toBeVisible()

  await app.setLanguage('en')
  await expect(app.list.heading).toBeVisible()
})

test('is usable from the keyboard alone', async ({ app, page }) => {
  await app.open()
  // Tab from the top reaches "New VM"; Enter opens the wizard with focus in it.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab')
    const name = await page.evaluate(
      () =>
        (globalThis as { document?: { activeElement: { textContent: string | null } | null } })
          .document?.activeElement?.textContent ?? '',
    )
    if (name.includes('New VM')) break
  }
  await page.keyboard.press('Enter')
  await expect(app.wizard.root).toBeVisible()
  await expect(page.getByRole('heading', { name: 'New virtual machine' })).toBeFocused()
})
