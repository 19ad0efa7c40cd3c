// Over 300 lines: every door of the built main process under one stand-in launch, whose set-up the cases share.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smallVm } from '../api/testing/vm-fixtures'
import { bundle, launchMainProcess, type MainProcess } from './testing/main-process'
import type { FrameShape } from './testing/stand-in-protocol'
import { windowOptions } from './window-options'

// The built Electron main process (out/main/index.js) under the stand-in `electron` module
// (./testing), with the real core behind it (qemu-img) and a throwaway VIREO_HOME: what
// Electron would call — IPC handlers, the app:// protocol, permission and navigation handlers,
// app and webContents events — called as Electron calls them.
const root = mkdtempSync(join(tmpdir(), 'vireo-main-'))
const runtime = join(root, 'run')
mkdirSync(runtime, { mode: 0o700 })
// XDG_CONFIG_HOME: where Electron's default profile (and so its lock) would be, kept in here.
const envFor = (name: string, extra: Record<string, string> = {}) => ({
  VIREO_HOME: join(root, name),
  XDG_RUNTIME_DIR: runtime,
  XDG_CONFIG_HOME: join(root, 'config'),
  ...extra,
})

const ourPage: FrameShape = { url: 'app://vireo/index.html', origin: 'app://vireo', top: true }
const unauthorized = { ok: false, error: { code: 'UNAUTHORIZED' } }
const launched: MainProcess[] = []
async function launch(name: string, extra: Record<string, string> = {}): Promise<MainProcess> {
  const app = await launchMainProcess(envFor(name, extra))
  launched.push(app)
  return app
}

let app: MainProcess
beforeAll(async () => {
  app = await launch('home')
})
afterAll(async () => {
  await Promise.all(launched.map((p) => p.kill()))
  rmSync(root, { recursive: true, force: true })
})

describe('the IPC bridge', () => {
  it("answers our own page: a VM created through vireo:invoke is in listVms' answer", async () => {
    const created = (await app.invoke('vireo:invoke', ourPage, 'createVm', {
      name: 'made over IPC',
      ...smallVm,
    })) as { ok: boolean; result?: { id: string } }
    expect(created, JSON.stringify(created)).toMatchObject({ ok: true })
    const listed = (await app.invoke('vireo:invoke', ourPage, 'listVms', {})) as {
      ok: true
      result: { id: string; name: string }[]
    }
    expect(listed.ok).toBe(true)
    expect(listed.result.map((vm) => vm.name)).toEqual(['made over IPC'])
  })

  it('refuses foreign pages, subframes, about:blank, file://, other app:// hosts, opaque origins and disposed frames', async () => {
    const frames: (FrameShape | null)[] = [
      null,
      { url: 'https://evil.example/', origin: 'https://evil.example', top: true },
      { ...ourPage, top: false },
      { url: '', origin: 'app://vireo', top: true },
      { url: 'about:blank', origin: 'null', top: true },
      { url: 'file:///tmp/index.html', origin: 'file://', top: true },
      { url: 'app://other/index.html', origin: 'app://other', top: true },
      { url: 'app://vireo.evil/index.html', origin: 'app://vireo.evil', top: true },
      { url: 'app://vireo@evil.example/index.html', origin: 'app://evil.example', top: true },
      { ...ourPage, origin: 'null' },
      { ...ourPage, detached: true },
      { ...ourPage, disposed: true },
    ]
    for (const frame of frames) {
      expect(
        await app.invoke('vireo:invoke', frame, 'listVms', {}),
        JSON.stringify(frame),
      ).toMatchObject(unauthorized)
    }
    const foreign = frames[1] ?? null
    expect(
      await app.invoke('vireo:invoke', foreign, 'createVm', { name: 'foreign', ...smallVm }),
    ).toMatchObject(unauthorized)
    const listed = (await app.invoke('vireo:invoke', ourPage, 'listVms', {})) as {
      result: { name: string }[]
    }
    expect(listed.result.map((vm) => vm.name)).not.toContain('foreign')
  })

  it('opens the file chooser for our page only', async () => {
    const foreign = { url: 'https://evil.example/', origin: 'https://evil.example', top: true }
    expect(await app.invoke('vireo:choose-file', foreign, 'iso')).toBeNull()
    expect((await app.record()).calls.filter((c) => c.api === 'dialog.showOpenDialog')).toEqual([])
    expect(await app.invoke('vireo:choose-file', ourPage, 'iso')).toBeNull() // the stand-in's dialog is cancelled
    const dialogs = (await app.record()).calls.filter((c) => c.api === 'dialog.showOpenDialog')
    expect(dialogs).toHaveLength(1)
    expect(JSON.stringify(dialogs[0]?.args)).toContain('"iso"')
  })
})

describe('the app:// protocol', () => {
  const text = (body: Uint8Array) => Buffer.from(body).toString('utf8')

  it('registers app:// as a standard, secure scheme before the app is ready (which gives the page the origin app://vireo)', async () => {
    const { calls, protocolSchemes } = await app.record()
    const registered = calls.find((c) => c.api === 'protocol.registerSchemesAsPrivileged')
    expect(registered?.args[0]).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ])
    expect(protocolSchemes).toEqual(['app'])
  })

  it('serves index.html and its assets with their types and the CSP', async () => {
    const index = await app.fetch('app://vireo/index.html')
    expect(index.status).toBe(200)
    expect(index.headers['content-type']).toMatch(/^text\/html/)
    expect(index.headers['content-security-policy']).toContain("default-src 'self'")
    expect(index.headers['content-security-policy']).toContain("object-src 'none'")
    const html = text(index.body)
    expect(text((await app.fetch('app://vireo/')).body)).toBe(html)
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    const style = /href="\.?(\/assets\/[^"]+\.css)"/.exec(html)?.[1]
    expect(script, html).toBeDefined()
    expect(style, html).toBeDefined()
    const js = await app.fetch(`app://vireo${script}`)
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8'])
    const css = await app.fetch(`app://vireo${style}`)
    expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8'])
  })

  it('answers 404 for unknown paths, traversal, bad encoding, NUL, folders and other hosts', async () => {
    const outside = readFileSync(bundle, 'utf8').slice(0, 200)
    for (const url of [
      'app://vireo/nope.html',
      'app://vireo/../main/index.js',
      'app://vireo/%2e%2e/main/index.js',
      'app://vireo/..%2fmain%2findex.js',
      'app://vireo/..%2f..%2fpackage.json',
      'app://vireo/..%5cmain%5cindex.js',
      'app://vireo/%E0%A4%A',
      'app://vireo/index.html%00.png',
      'app://vireo/assets',
      'app://vireo/assets/',
      'app://other/index.html',
      'app://vireo.evil/index.html',
    ]) {
      const response = await app.fetch(url)
      expect(response.status, url).toBe(404)
      expect(text(response.body)).not.toContain(outside)
    }
  })
})

describe('permissions', () => {
  it('grants fullscreen to our own page, and nothing else to anyone', async () => {
    expect(await app.requestPermission('fullscreen', 'app://vireo/index.html')).toBe(true)
    expect(await app.checkPermission('fullscreen', 'app://vireo')).toBe(true)
    expect(await app.checkPermission('fullscreen', 'app://vireo/')).toBe(true)
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'pointerLock',
      'fileSystem',
    ]) {
      expect(await app.requestPermission(permission, 'app://vireo/index.html'), permission).toBe(
        false,
      )
      expect(await app.checkPermission(permission, 'app://vireo'), permission).toBe(false)
    }
    expect(await app.requestPermission('fullscreen', 'app://vireo/index.html', false)).toBe(false)
    expect(await app.checkPermission('fullscreen', 'app://vireo', false)).toBe(false)
    for (const other of ['https://evil.example/', 'app://other/', 'file:///tmp/x.html', '']) {
      expect(await app.requestPermission('fullscreen', other), other).toBe(false)
      expect(await app.checkPermission('fullscreen', other), other).toBe(false)
    }
  })
})

describe('the window', () => {
  it('is made with the checked options and a preload that was built', async () => {
    const made = (await app.record()).calls.filter((c) => c.api === 'new BrowserWindow')
    expect(made).toHaveLength(1)
    const options = made[0]?.args[0] as ReturnType<typeof windowOptions>
    const preload = options.webPreferences?.preload ?? ''
    expect(options).toEqual(windowOptions(preload, options.icon as string))
    expect(
      readFileSync(options.icon as string)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
    expect(readFileSync(preload, 'utf8')).toContain('vireo:invoke')
  })

  it('blocks navigation away from our page, every new window, and webviews', async () => {
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://vireo.evil/',
      'about:blank',
    ]) {
      expect(await app.navigate(url), url).toEqual({ prevented: true })
    }
    expect(await app.navigate('app://vireo/index.html')).toEqual({ prevented: false })
    for (const url of ['https://evil.example/', 'app://vireo/index.html', 'about:blank']) {
      expect(await app.openWindow(url), url).toEqual({ action: 'deny' })
    }
    expect(await app.emitContents('will-attach-webview', {}, {})).toEqual({ prevented: true })
  })

  it('FAULTS 12: reloads the page when the renderer crashes; the VMs and the bridge carry on', async () => {
    await app.emitContents('render-process-gone', { reason: 'crashed', exitCode: 139 })
    const loads = (await app.record()).calls.filter((c) => c.api === 'window.loadURL')
    expect(loads.map((c) => c.args[0])).toEqual([
      'app://vireo/index.html',
      'app://vireo/index.html',
    ])
    const listed = (await app.invoke('vireo:invoke', ourPage, 'listVms', {})) as {
      result: { name: string }[]
    }
    expect(listed.result.map((vm) => vm.name)).toEqual(['made over IPC'])
  })
})

describe('FAULTS 11: one app per data folder', () => {
  it('a second instance on the same VIREO_HOME quits at once, and the first is restored and focused', async () => {
    const second = await launch('home')
    expect(second.outcome).toBe('quit')
    expect(await second.exited).toBe(0)
    const seen = second.quitRecording()
    expect(seen?.calls.map((c) => c.api)).toEqual([
      'protocol.registerSchemesAsPrivileged',
      'app.setPath',
      'app.requestSingleInstanceLock',
      'app.quit',
    ])
    expect(seen?.calls[1]?.args).toEqual(['userData', join(root, 'home', 'electron-profile')])
    expect(seen).toMatchObject({ windows: 0, ipcChannels: [], protocolSchemes: [] })

    await app.setMinimized(true)
    await app.emitApp('second-instance', ['electron', '.'], root, {})
    const after = (await app.record()).calls.map((c) => c.api)
    expect(after.slice(-2)).toEqual(['window.restore', 'window.focus'])
  })

  it('an app on another VIREO_HOME has its own lock', async () => {
    const other = await launch('other-home')
    expect(other.outcome).toBe('loaded')
    await other.kill()
  })
})

describe('a start that cannot go on', () => {
  it('says why in a dialog, with what to do, and exits 1 instead of never opening a window', async () => {
    // No VIREO_HOME: the VM folder comes from the settings file, which is broken.
    const config = join(root, 'broken-config')
    mkdirSync(join(config, 'vireo'), { recursive: true })
    writeFileSync(join(config, 'vireo', 'settings.json'), '{ not json')
    const broken = await launchMainProcess({ ...envFor('unused', { XDG_CONFIG_HOME: config }), VIREO_HOME: undefined })
    launched.push(broken)
    expect(broken.outcome).toBe('quit')
    expect(await broken.exited).toBe(1)
    const calls = broken.quitRecording()?.calls ?? []
    const box = calls.find((c) => c.api === 'dialog.showErrorBox')
    expect(box?.args[0]).toBe('Vireo cannot start')
    expect(String(box?.args[1])).toContain(join(config, 'vireo', 'settings.json'))
    expect(String(box?.args[1])).toContain('Fix or delete that file')
    expect(calls.map((c) => c.api)).toContain('app.exit')
    expect(broken.quitRecording()?.windows).toBe(0)
  })
})

describe('development mode', () => {
  const devServer = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
  const devPage: FrameShape = {
    url: 'http://localhost:5173/',
    origin: 'http://localhost:5173',
    top: true,
  }

  it('an unpackaged app loads and trusts the loopback dev server (and not app://)', async () => {
    const dev = await launch('dev', devServer)
    const loads = (await dev.record()).calls.filter((c) => c.api === 'window.loadURL')
    expect(loads.map((c) => c.args[0])).toEqual(['http://localhost:5173/'])
    expect(await dev.invoke('vireo:invoke', devPage, 'listVms', {})).toEqual({
      ok: true,
      result: [],
    })
    expect(await dev.invoke('vireo:invoke', ourPage, 'listVms', {})).toMatchObject(unauthorized)
    await dev.kill()
  })

  it('a packaged app ignores the dev server: it loads and trusts app://vireo only', async () => {
    const packaged = await launch('packaged', { ...devServer, ELECTRON_STAND_IN_PACKAGED: '1' })
    const loads = (await packaged.record()).calls.filter((c) => c.api === 'window.loadURL')
    expect(loads.map((c) => c.args[0])).toEqual(['app://vireo/index.html'])
    expect(await packaged.invoke('vireo:invoke', devPage, 'listVms', {})).toMatchObject(
      unauthorized,
    )
    expect(await packaged.invoke('vireo:invoke', ourPage, 'listVms', {})).toEqual({
      ok: true,
      result: [],
    })
    await packaged.kill()
  })
})

describe('closing the window', () => {
  it('removes the IPC handlers, lets go of the lock and quits cleanly; the VMs stay', async () => {
    await app.emitApp('window-all-closed')
    expect(await app.exited).toBe(0)
    expect(app.quitRecording()).toMatchObject({ ipcChannels: [] })
    const again = await launch('home')
    expect(again.outcome).toBe('loaded')
    const listed = (await again.invoke('vireo:invoke', ourPage, 'listVms', {})) as {
      result: { name: string }[]
    }
    expect(listed.result.map((vm) => vm.name)).toEqual(['made over IPC'])
  })
})
