import { test as base, expect, type Page } from '@playwright/test'
import { removeHome, startVireoWeb, type VireoWeb } from '../../src-main/web/testing/vireo-web'
import { AppPage } from './app-page'

/**
 * The UI tests' `test`: every test fails on an uncaught page error or a CSP violation, and
 * `app` is the UI opened against the spec file's own web host (see `useVireoHost`).
 */
export const test = base.extend<{ pageProblems: string[]; app: AppPage }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = []
      watchPageProblems(page, problems)
      await use(problems)
      expect(problems, 'errors in the page').toEqual([])
    },
    { auto: true },
  ],
  app: async ({ page }, use) => {
    await use(new AppPage(page, currentHost().url))
  },
})

export { expect }

/** Records the page's uncaught errors and CSP violations into `problems`. */
export function watchPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      problems.push(`CSP violation: ${message.text()}`)
    }
  })
}

let host: VireoWeb | null = null

function currentHost(): VireoWeb {
  if (host === null) throw new Error('call useVireoHost() at the top of the spec file')
  return host
}

/**
 * One web host (and one throwaway VIREO_HOME) for the tests of this file: started before
 * them, stopped and cleaned up after (any VM left running is forced off).
 */
export function useVireoHost(): () => VireoWeb {
  test.beforeAll(async () => {
    host = await startVireoWeb()
  })
  test.afterAll(async () => {
    if (host === null) return
    const { home } = host
    await host.stop()
    host = null
    await removeHome(home)
  })
  return currentHost
}

/** Replaces the file's host (after a test restarted it by hand). */
export function setVireoHost(next: VireoWeb): void {
  host = next
}
