import { expect, type Locator, type Page } from '@playwright/test'

/** The canvas as the page sees it (the e2e code is typed without the DOM library). */
interface Canvas {
  width: number
  height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  } | null
  toDataURL(): string
}

/** A VM's console: the noVNC canvas and the controls above it. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  /** The guest's screen: a canvas named "Console of <name>". */
  canvas(name: string): Locator {
    return this.page.getByRole('application', { name: `Console of ${name}` })
  }

  get controls(): Locator {
    return this.page.getByRole('group', { name: 'Console controls' })
  }

  /** The Start button of the "not running" overlay. */
  get startButton(): Locator {
    return this.page.getByRole('main').getByRole('button', { name: 'Start', exact: true })
  }

  /** "Connecting to the console…" or "Reconnecting to the console…", while there is none. */
  get waiting(): Locator {
    return this.page
      .getByRole('status')
      .filter({ hasText: /^(Connecting|Reconnecting) to the console…$/ })
  }

  get sentStatus(): Locator {
    return this.page.getByRole('status').filter({ hasText: /^Sent / })
  }

  /** The share of the canvas's pixels unlike its top-left one (0 for a blank screen). */
  async ink(name: string): Promise<number> {
    return this.canvas(name).evaluate((element) => {
      const canvas = element as unknown as Canvas
      if (canvas.width === 0 || canvas.height === 0) return 0
      const context = canvas.getContext('2d')
      if (context === null) return 0
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
      let ink = 0
      for (let p = 0; p < data.length; p += 4) {
        if (data[p] !== data[0] || data[p + 1] !== data[1] || data[p + 2] !== data[2]) ink++
      }
      return ink / (data.length / 4)
    })
  }

  /** Waits until the guest's screen shows something. */
  async waitForPicture(name: string, timeout = 120_000): Promise<void> {
    await expect(this.canvas(name)).toBeVisible({ timeout })
    await expect.poll(() => this.ink(name), { timeout, intervals: [500] }).toBeGreaterThan(0.001)
  }

  /** The canvas as an image (for comparing before and after a key). */
  async snapshot(name: string): Promise<string> {
    return this.canvas(name).evaluate((element) => (element as unknown as Canvas).toDataURL())
  }

  async sendKey(label: string): Promise<void> {
    await this.controls.getByRole('button', { name: 'Send key' }).click()
    await this.page
      .getByRole('menu', { name: 'Send key' })
      .getByRole('menuitem', { name: label })
      .click()
  }

  async typeText(text: string): Promise<void> {
    await this.controls.getByRole('button', { name: 'Type text…' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'Type text into the VM' })
    await dialog.getByLabel('Text to type').fill(text)
    await dialog.getByRole('button', { name: 'Type', exact: true }).click()
    await dialog.waitFor({ state: 'detached', timeout: 60_000 })
  }

  async toggleScale(): Promise<void> {
    await this.controls.getByRole('button', { name: 'Scale to fit' }).click()
  }

  async backToList(): Promise<void> {
    await this.page.getByRole('button', { name: 'All VMs' }).click()
  }
}
