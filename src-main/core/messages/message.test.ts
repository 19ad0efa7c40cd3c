import { describe, expect, it } from 'vitest'
import { english, msg, renderMessage, type Catalogue } from './message'
import zhCN from './zh-CN.json'

describe('renderMessage', () => {
  it('fills placeholders, and says nested messages first, in the same language', () => {
    const m = msg('error.vm.createdNotStarted', { name: 'web', reason: msg('error.vm.notRunning') })
    expect(english(m)).toBe('“web” was created, but did not start: This VM is not running.')
    expect(renderMessage(m, zhCN, 'zh-CN')).toBe('“web”已创建，但没能启动：这台虚拟机没有在运行。')
  })

  it('picks a plural form by the count parameter', () => {
    expect(english(msg('host.cpus', { count: 1 }))).toBe('1 CPU')
    expect(english(msg('host.cpus', { count: 4 }))).toBe('4 CPUs')
    expect(renderMessage(msg('host.cpus', { count: 4 }), zhCN, 'zh-CN')).toBe('4 个 CPU')
  })

  it('falls back to English for a key a catalogue lacks, and to the key where none has it', () => {
    const partial: Catalogue = { error: {} }
    expect(renderMessage(msg('error.vm.notRunning'), partial, 'zh-CN')).toBe('This VM is not running.')
    expect(renderMessage({ key: 'no.such.key' } as never)).toBe('no.such.key')
  })

  it('leaves a placeholder without a parameter as it is, rather than saying “undefined”', () => {
    expect(english(msg('error.vm.noneNamed'))).toBe('There is no VM named “{{name}}”.')
  })
})
