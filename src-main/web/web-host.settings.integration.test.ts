import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '../api/wire'
import type { SettingsInfo } from '../api/types'
import { resolvePaths } from '../core/paths'
import { until } from '../core/testing/fault-support'
import { Vireo } from '../core/vireo'
import { COOKIE_NAME } from './auth'
import { ApiSocket } from './testing/api-socket'
import { webHostOver, writeStaticRoot } from './testing/web-host-harness'
import type { WebHost } from './web-host'

// The shared settings through the web door, with a real settings file of the test's own
// (XDG_CONFIG_HOME): two tabs, one changes, the other hears it.
const token = 'settings-token-0123456789abcdef'
const scratch = mkdtempSync(join(tmpdir(), 'vireo-web-settings-'))
const env = { HOME: scratch, XDG_CONFIG_HOME: join(scratch, 'config'), VIREO_HOME: join(scratch, 'home') }
const file = join(env.XDG_CONFIG_HOME, 'vireo', 'settings.json')
let vireo: Vireo
let web: WebHost
let url: string

beforeAll(async () => {
  vireo = new Vireo({ paths: resolvePaths(env), watch: true, env })
  web = await webHostOver(vireo, { staticDir: writeStaticRoot(join(scratch, 'static')), token })
  url = `${new URL(web.url).origin.replace('http', 'ws')}/api`
})
afterAll(async () => {
  await web.close()
  vireo.dispose()
  rmSync(resolvePaths(env).runtime, { recursive: true, force: true })
  rmSync(scratch, { recursive: true, force: true })
})

const open = () => ApiSocket.open(url, { cookie: `${COOKIE_NAME}=${token}` })
const settingsEvents = (socket: ApiSocket) =>
  socket.events.filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.event === 'settingsChanged')

describe('settings through the web host', () => {
  it('says where the file is and that VIREO_HOME decides the VM folder now', async () => {
    const tab = await open()
    const info = await tab.ok<SettingsInfo>('getSettings', {})
    expect(info.file).toBe(file)
    expect(info.overrides).toEqual({ vmFolder: { variable: 'VIREO_HOME', value: env.VIREO_HOME } })
    expect(info.vmFolderInUse).toBe(env.VIREO_HOME)
    tab.ws.close()
  })

  it('writes a change made in one tab to the file, and the other tab hears it', async () => {
    const [one, other] = [await open(), await open()]
    const answer = await one.ok<SettingsInfo>('updateSettings', { changes: { theme: 'dark', isoFolders: ['/srv/isos'] } })
    expect(answer.values).toMatchObject({ theme: 'dark', isoFolders: ['/srv/isos'] })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ theme: 'dark', isoFolders: ['/srv/isos'] })
    const heard = await until('the other tab to hear it', () => settingsEvents(other)[0], 5000, 20)
    expect((heard.payload as SettingsInfo).values.theme).toBe('dark')
    one.ws.close()
    other.ws.close()
  })

  it('refuses a change that is not valid, saying which key', async () => {
    const tab = await open()
    const reply = await tab.call('updateSettings', { changes: { vmFolder: 'relative/vms' } })
    expect(reply).toMatchObject({ type: 'reply', ok: false, error: { code: 'INVALID_INPUT' } })
    tab.ws.close()
  })

  it('reports a broken file with what to do, and does not overwrite it', async () => {
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, '{ "theme": "dark", ')
    const tab = await open()
    for (const [method, params] of [['getSettings', {}], ['updateSettings', { changes: { theme: 'light' } }]] as const) {
      const reply = await tab.call(method, params)
      expect(reply, method).toMatchObject({
        type: 'reply',
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `The settings file ${file} is not usable: it is not JSON.`,
          hint: expect.stringContaining('Fix or delete that file'),
        },
      })
    }
    expect(readFileSync(file, 'utf8')).toBe('{ "theme": "dark", ')
    expect(settingsEvents(tab)).toEqual([])
    tab.ws.close()
  })
})
