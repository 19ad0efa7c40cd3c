import type { Locator, Page } from '@playwright/test'

/** The new-VM wizard. */
export class WizardPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByRole('region', { name: /^(New virtual machine|新建虚拟机)$/ })
  }

  get isoPath(): Locator {
    return this.page.getByLabel('ISO file')
  }

  /** The detected OS, shown as the heading of the OS page's card. */
  detectedOs(name: string): Locator {
    return this.root.getByRole('heading', { name, exact: true })
  }

  button(name: string): Locator {
    return this.root.getByRole('button', { name, exact: true })
  }

  /** Page 1 → 2: type the ISO's path and press Next (one click); waits for the OS page. */
  async chooseIso(path: string): Promise<void> {
    await this.isoPath.fill(path)
    await this.button('Next').click()
    await this.page.getByRole('heading', { name: 'Ready to create' }).waitFor()
  }

  /** The one-click path: accept the detected defaults. */
  async createAndStart(): Promise<void> {
    await this.button('Create and start').click()
  }

  field(label: string): Locator {
    return this.root.getByLabel(label, { exact: true })
  }
}
