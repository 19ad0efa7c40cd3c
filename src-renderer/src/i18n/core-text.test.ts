import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import coreEn from '../../../src-main/core/messages/en.json'
import coreZhCN from '../../../src-main/core/messages/zh-CN.json'
import type { ErrorInfo } from '../api/types'
import { coreText, localError } from './core-text'

// The UI's i18next set up as i18n.ts does it, with the core's catalogues as the `core` namespace.
async function instance(lng: string) {
  const i18n = i18next.createInstance()
  await i18n.init({
    resources: { en: { core: coreEn }, 'zh-CN': { core: coreZhCN } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  })
  return i18n
}

const notStarted: ErrorInfo = {
  code: 'NOT_RUNNING',
  message: '“web” was created, but did not start: This VM is not running.',
  messageText: { key: 'error.vm.createdNotStarted', params: { name: 'web', reason: { key: 'error.vm.notRunning' } } },
  hint: 'Start it first.',
  hintText: { key: 'error.vm.startFirst' },
}

describe('the core’s messages in the UI', () => {
  it('are said in Chinese from the core’s catalogue, nested messages too', async () => {
    const zh = await instance('zh-CN')
    expect(localError(zh, notStarted)).toMatchObject({
      message: '“web”已创建，但没能启动：这台虚拟机没有在运行。',
      hint: '请先启动它。',
    })
    expect(coreText(zh, { key: 'host.cpus', params: { count: 4 } }, '4 CPUs')).toBe('4 个 CPU')
  })

  it('read in English as the core wrote them, and keep the English where no message was sent', async () => {
    const en = await instance('en')
    expect(localError(en, notStarted)).toMatchObject({ message: notStarted.message, hint: notStarted.hint })
    expect(coreText(en, { key: 'host.cpus', params: { count: 1 } }, '')).toBe('1 CPU')
    const old: ErrorInfo = { code: 'INTERNAL', message: 'Lost the connection.' }
    expect(localError(await instance('zh-CN'), old)).toEqual(old)
  })
})
