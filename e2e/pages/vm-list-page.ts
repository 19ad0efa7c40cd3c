import type { Locator, Page } from '@playwright/test'

export type ListAction =
  | 'Start'
  | 'Shut down'
  | 'Reboot'
  | 'Pause'
  | 'Resume'
  | 'Force off'
  | 'Console'
  | 'Details'
  | 'Delete'

/** The VM list: one card per VM, its state badge and its action buttons. */
export class VmListPage {
  constructor(readonly page: Page) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { name: 'Virtual machines', exact: true })
  }

  get emptyState(): Locator {
    return this.page.getByRole('heading', { name: 'No virtual machines yet' })
  }

  card(name: string): Locator {
    return this.page.getByRole('article', { name, exact: true })
  }

  /** The state badge ("Running", "Stopped"…). */
  state(name: string): Locator {
    return this.card(name).getByRole('status', { name: 'State' })
  }

  action(name: string, action: ListAction): Locator {
    return this.card(name).getByRole('button', { name: action, exact: true })
  }

  thumbnail(name: string): Locator {
    return this.card(name).getByRole('img', { name: `Screen of ${name}` })
  }

  async act(name: string, action: ListAction): Promise<void> {
    await this.action(name, action).click()
  }

  /** Force off, confirmed in its dialog. */
  async forceOff(name: string): Promise<void> {
    await this.act(name, 'Force off')
    await this.page
      .getByRole('dialog', { name: `Force off “${name}”?` })
      .getByRole('button', { name: 'Force off' })
      .click()
  }

  /** Delete, confirmed in its dialog, with or without its disks. */
  async delete(name: string, options: { disks: boolean }): Promise<void> {
    await this.act(name, 'Delete')
    const dialog = this.page.getByRole('dialog', { name: `Delete “${name}”?` })
    if (options.disks) await dialog.getByRole('checkbox', { name: 'Also delete its disks' }).check()
    await dialog.getByRole('button', { name: 'Delete' }).click()
  }
}
