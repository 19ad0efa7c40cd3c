import type { Locator, Page } from '@playwright/test'

/** A VM's details: the hardware form, the command line and the logs. */
export class DetailsPage {
  constructor(readonly page: Page) {}

  get hardware(): Locator {
    return this.page.getByRole('form', { name: 'Hardware' })
  }

  field(label: string): Locator {
    return this.hardware.getByLabel(label, { exact: true })
  }

  async save(): Promise<void> {
    await this.hardware.getByRole('button', { name: 'Save' }).click()
    await this.hardware
      .getByRole('status')
      .filter({ hasText: 'Saved' })
      .waitFor({ timeout: 30_000 })
  }

  async addPortForward(hostPort: number, guestPort: number): Promise<void> {
    await this.hardware.getByRole('button', { name: 'Add a rule' }).click()
    const rules = await this.hardware.getByRole('row').count()
    const n = rules - 1
    await this.hardware.getByLabel(`Host port of rule ${n}`).fill(String(hostPort))
    await this.hardware.getByLabel(`Guest port of rule ${n}`).fill(String(guestPort))
  }

  /** "Clone…" on a stopped VM: its dialog, whose name field holds the copy's name. */
  async openClone(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Clone…', exact: true }).click()
    return this.page.getByRole('dialog', { name: `Clone “${name}”` })
  }

  /** The QEMU command line as shown (one option per line). */
  get commandLine(): Locator {
    return this.page.getByLabel('QEMU command line', { exact: true })
  }

  /** Shows one log ('Serial console' or 'QEMU') and returns its text box. */
  async log(which: 'Serial console' | 'QEMU'): Promise<Locator> {
    await this.page.getByRole('group', { name: 'Log' }).getByRole('button', { name: which }).click()
    return this.page.getByRole('log', { name: which })
  }
}
