import { describe, expect, it } from 'vitest'
import { msg } from '../core/errors'
import { localeLanguage, sayer } from './language'

describe('the CLI’s language', () => {
  it('comes from LC_ALL, then LC_MESSAGES, then LANG, as gettext reads them', () => {
    expect(localeLanguage({ LC_ALL: 'zh_CN.UTF-8', LC_MESSAGES: 'C', LANG: 'C' })).toBe('zh-CN')
    expect(localeLanguage({ LC_ALL: 'C.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(localeLanguage({ LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'en_GB.UTF-8' })).toBe('zh-CN')
    expect(localeLanguage({ LC_MESSAGES: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(localeLanguage({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN')
    // Set but empty counts as unset.
    expect(localeLanguage({ LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_CN' })).toBe('zh-CN')
  })

  it('is English for C, POSIX, C.UTF-8, an unset locale and languages it does not speak', () => {
    for (const LANG of ['C', 'POSIX', 'C.UTF-8', 'de_DE.UTF-8', 'zu_ZA.UTF-8']) expect(localeLanguage({ LANG })).toBe('en')
    expect(localeLanguage({})).toBe('en')
  })

  it('says a message in Chinese from the core’s catalogue, and in English otherwise', async () => {
    const m = msg('error.vm.noneNamed', { name: 'web' })
    expect((await sayer('zh-CN'))(m)).toBe('没有名为“web”的虚拟机。')
    expect((await sayer('en'))(m)).toBe('There is no VM named “web”.')
  })
})
