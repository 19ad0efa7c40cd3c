import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'

/** What axe-core checks: WCAG 2.0 and 2.1, levels A and AA, and its best practices. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const

export interface AxeFinding {
  id: string
  impact: string | null
  help: string
  /** Each element found: its CSS selector and, for a violation, what is wrong with it. */
  nodes: { target: string; summary: string }[]
}

export interface AxeReport {
  violations: AxeFinding[]
  /** "Needs review": what axe could not decide by itself. */
  incomplete: AxeFinding[]
}

const axeScript = createRequire(import.meta.url).resolve('axe-core')

/**
 * Makes axe-core available in every document the page loads. An init script, not a script
 * tag: the app's CSP (`script-src 'self'`) rightly refuses an inline script.
 */
export async function installAxe(page: Page): Promise<void> {
  await page.addInitScript({ path: axeScript })
}

/** Runs axe over the whole page as it is now (its open dialog included). */
export async function runAxe(page: Page): Promise<AxeReport> {
  return page.evaluate(
    async (tags) => {
      interface Result {
        id: string
        impact?: string | null
        help: string
        nodes: { target: unknown[]; failureSummary?: string }[]
      }
      const scope = globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: Result[]; incomplete: Result[] }>
        }
        document: unknown
      }
      const results = await scope.axe.run(scope.document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations', 'incomplete'],
      })
      const brief = (result: Result) => ({
        id: result.id,
        impact: result.impact ?? null,
        help: result.help,
        nodes: result.nodes.map((node) => ({
          target: node.target.map(String).join(' '),
          summary: node.failureSummary ?? '',
        })),
      })
      return {
        violations: results.violations.map(brief),
        incomplete: results.incomplete.map(brief),
      }
    },
    axeTags as unknown as string[],
  )
}

/** One line an element, for an assertion's message. */
export function describeFindings(findings: AxeFinding[]): string {
  return findings
    .flatMap((f) =>
      f.nodes.map(
        (n) =>
          `${f.id} (${f.impact ?? '?'}): ${f.help} — ${n.target}\n  ${n.summary.replace(/\n/g, '\n  ')}`,
      ),
    )
    .join('\n')
}
