import type { Locator, Page } from '@playwright/test'
import { ConsolePage } from './console-page'
import { DetailsPage } from './details-page'
import { VmListPage } from './vm-list-page'
import { WizardPage } from './wizard-page'

/** The whole UI: its shell (header, host panel, banners) and a way to each screen. */
export class AppPage {
  readonly list: VmListPage
  readonly wizard: WizardPage
  readonly console: ConsolePage
  readonly details: DetailsPage

  /**
   * `baseUrl`: the web host's URL with its token; null in Electron, where the window has
   * already loaded the app.
   */
  constructor(
    readonly page: Page,
    readonly baseUrl: string | null,
  ) {
    this.list = new VmListPage(page)
    this.wizard = new WizardPage(page)
    this.console = new ConsolePage(page)
    this.details = new DetailsPage(page)
  }

  /** Opens the UI (with the host's token: a cookie from then on), at `hash` if given. */
  async open(hash = ''): Promise<void> {
    if (this.baseUrl !== null) await this.page.goto(`${this.baseUrl}${hash}`)
    else await this.page.evaluate(setHash, hash)
    await this.appName.waitFor()
  }

  get appName(): Locator {
    return this.page.getByRole('banner').getByText('Vireo', { exact: true })
  }

  get newVmButton(): Locator {
    return this.page.getByRole('banner').getByRole('button', { name: 'New VM' })
  }

  get settingsButton(): Locator {
    return this.page.getByRole('banner').getByRole('button', { name: /^(Settings|设置)$/ })
  }

  /** The host panel ("This computer"): accelerator, QEMU, memory, checks. */
  get hostPanel(): Locator {
    return this.page.getByRole('region', { name: /^(This computer|本机)$/ })
  }

  get reconnectingBanner(): Locator {
    return this.page.getByText(/Reconnecting…|正在重新连接…/)
  }

  /** Settings → Language: 'system', 'en' or 'zh-CN'. */
  async setLanguage(language: 'system' | 'en' | 'zh-CN'): Promise<void> {
    await this.settingsButton.click()
    const dialog = this.page.getByRole('dialog')
    await dialog.getByRole('combobox', { name: /^(Language|语言)$/ }).selectOption(language)
    await dialog.getByRole('button', { name: /^(Done|完成)$/ }).click()
    await dialog.waitFor({ state: 'detached' })
  }
}

/** Moves the page to another screen of the app without reloading it. */
function setHash(hash: string): void {
  ;(globalThis as unknown as { location: { hash: string } }).location.hash = hash
}
