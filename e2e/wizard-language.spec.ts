import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { testIsoPath } from '../src-main/core/testing/test-iso'
import { expect, test, useVireoHost } from './pages/fixtures'

useVireoHost()

type Tree = { [key: string]: string | Tree }
const catalogue = (lang: string) =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '..', 'src-renderer', 'src', 'i18n', `${lang}.json`),
      'utf8',
    ),
  ) as Tree

/** Leaf strings by dotted key. */
function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof value === 'string') out.set(path.replace(/_(one|other)$/, ''), value)
    else flatten(value, path, out)
  }
  return out
}

/**
 * Every English UI text that Chinese translates (names the same in both, like BIOS or qcow2,
 * are left out), as its fixed fragments: what stays around its `{{placeholders}}`.
 */
function englishFragments(): RegExp[] {
  const zh = flatten(catalogue('zh-CN'))
  const fragments = new Set<string>()
  for (const [key, value] of flatten(catalogue('en'))) {
    if (zh.get(key) === value) continue
    for (const part of value.split(/\{\{\w+\}\}/)) {
      const text = part.trim()
      if (/[A-Za-z]{3,}/.test(text)) fragments.add(text)
    }
  }
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return [...fragments].map((text) => new RegExp(`(?<![\\w/.-])${escape(text)}(?![\\w/.-])`))
}

async function expectNoEnglish(region: Locator): Promise<void> {
  const text = await region.innerText()
  const found = englishFragments()
    .filter((fragment) => fragment.test(text))
    .map(String)
  expect(found, `English UI text in:\n${text}`).toEqual([])
}

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' })

  test('what the server says of a missing ISO is said in Chinese, at the field', async ({ app, page }) => {
    await app.open('#/new')
    await page.getByLabel('ISO 文件').fill('/nonexistent/debian.iso')
    await app.wizard.root.getByRole('button', { name: '下一步' }).click()
    await expect(page.getByLabel('ISO 文件')).toHaveAccessibleDescription(
      '/nonexistent/debian.iso 不存在。 请检查路径，或重新选择该文件。',
    )
  })

  test('the wizard follows the browser language and shows no English UI text', async ({
    app,
    page,
  }) => {
    await app.open('#/new')
    const wizard = app.wizard.root
    await expect(page.getByRole('heading', { name: '新建虚拟机' })).toBeVisible()
    await expectNoEnglish(wizard)

    // A missing path is reported at the field, in Chinese.
    await wizard.getByRole('button', { name: '下一步' }).click()
    await expect(page.getByLabel('ISO 文件')).toHaveAccessibleDescription(/请先选择文件/)
    await expectNoEnglish(wizard)

    await page.getByLabel('ISO 文件').fill(testIsoPath())
    await wizard.getByRole('button', { name: '下一步' }).click()
    await expect(page.getByRole('heading', { name: '可以创建了' })).toBeVisible()
    await expectNoEnglish(wizard)

    await wizard.getByRole('button', { name: '自定义…' }).click()
    await expect(page.getByLabel('内存（MiB）')).toHaveValue('256')
    await expectNoEnglish(wizard)

    await wizard.getByRole('button', { name: '下一步' }).click()
    await expect(page.getByLabel('名称', { exact: true })).toHaveValue('Vireo test OS')
    await expectNoEnglish(wizard)

    await wizard.getByRole('button', { name: '下一步' }).click()
    await expect(page.getByLabel('QEMU 命令行')).toContainText('qemu-system-x86_64')
    await expectNoEnglish(wizard)
  })
})
