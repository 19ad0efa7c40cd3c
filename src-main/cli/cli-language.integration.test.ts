import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliHome, requireBuild } from './testing/cli-home'

// The built `vireo` says what the core says in the locale's language (LC_ALL, LC_MESSAGES,
// LANG): Chinese for zh_CN.UTF-8, English for C.UTF-8; exit codes and --json do not change.
const { home, withEnv } = cliHome({ prefix: 'vireo-lang-' })
const inLocale = (vars: Record<string, string>) => withEnv({ LC_ALL: '', LC_MESSAGES: '', LANG: '', ...vars })
const chinese = inLocale({ LANG: 'zh_CN.UTF-8' })
const english = inLocale({ LANG: 'C.UTF-8' })

beforeAll(() => requireBuild())
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('vireo in the locale’s language', () => {
  it('host check: the report, its items and its verdict in Chinese under LANG=zh_CN.UTF-8', async () => {
    const r = await chinese('host', 'check')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^加速：(KVM|TCG) — /)
    expect(r.stdout).toMatch(/^内存：可用 \d+ MiB，共 \d+ MiB；\d+ 个核心$/m)
    expect(r.stdout).toMatch(/^✓ \d+ 个 CPU$/m)
    expect(r.stdout).toMatch(/这台计算机可以运行虚拟机。$/)
    expect(r.stdout).not.toMatch(/Accelerator|Memory:|This machine/)
  })

  it('host check: English under LANG=C.UTF-8, and --json stays English with the message keys', async () => {
    const r = await english('host', 'check')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^Accelerator: (KVM|TCG) — /)
    expect(r.stdout).toMatch(/This machine can run VMs\.$/)
    const json = JSON.parse((await chinese('host', 'check', '--json')).stdout) as {
      items: { id: string; title: string; titleText: { key: string } }[]
    }
    expect(json.items.find((i) => i.id === 'cpus')).toMatchObject({ title: expect.stringMatching(/^\d+ CPUs?$/), titleText: { key: 'host.cpus' } })
  })

  it('start no-such-vm: the error and its hint in Chinese, exit code 1 as in English', async () => {
    const zh = await chinese('start', 'no-such-vm')
    expect(zh.exitCode).toBe(1)
    expect(zh.stderr).toBe('vireo: 没有名为“no-such-vm”的虚拟机。\n  请查看 vireo list。')
    const en = await english('start', 'no-such-vm')
    expect(en.exitCode).toBe(1)
    expect(en.stderr).toBe('vireo: There is no VM named “no-such-vm”.\n  See vireo list.')
  })

  it('takes LC_ALL over LC_MESSAGES over LANG', async () => {
    expect((await inLocale({ LC_ALL: 'C.UTF-8', LANG: 'zh_CN.UTF-8' })('start', 'x')).stderr).toMatch(/^vireo: There is no VM/)
    expect((await inLocale({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'C' })('start', 'x')).stderr).toMatch(/^vireo: 没有名为/)
  })
})
