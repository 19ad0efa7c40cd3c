import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ELECTRON_CSP, rendererLocation, windowIcon, windowOptions } from './window-options'

// Electron's security checklist, held as a test: if an option is lost or loosened, this fails.
describe('the Electron window', () => {
  const prefs = windowOptions('/app/preload/index.cjs', '/app/icon.png').webPreferences ?? {}

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
  })

  it('gives the renderer no Node.js', () => {
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  it('keeps web security on and webviews off', () => {
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.experimentalFeatures).toBe(false)
  })

  it("shows Vireo's icon, found from the built main process's folder", () => {
    expect(windowOptions('/p.cjs', '/app/icon.png').icon).toBe('/app/icon.png')
    const repo = join(import.meta.dirname, '..', '..')
    const icon = windowIcon(join(repo, 'out', 'main'))
    expect(icon).toBe(join(repo, 'resources', 'icons', '512x512.png'))
    // A PNG, 512 pixels square (its IHDR chunk).
    const png = readFileSync(icon)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512])
  })

  it('has a strict content security policy', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'")
    expect(ELECTRON_CSP).toContain("script-src 'self'")
    expect(ELECTRON_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect(ELECTRON_CSP).toContain("object-src 'none'")
  })

  it('loads the bundled UI, or a loopback dev server only in an unpackaged dev run', () => {
    const bundled = { url: 'app://vireo/index.html', origin: 'app://vireo' }
    expect(rendererLocation({}, false)).toEqual(bundled)
    expect(rendererLocation({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, false)).toEqual({
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    })
    expect(rendererLocation({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, true)).toEqual(
      bundled,
    )
    for (const url of [
      'http://evil.example:5173/',
      'https://localhost/',
      'file:///tmp/x.html',
      'nonsense',
    ]) {
      expect(rendererLocation({ ELECTRON_RENDERER_URL: url }, false), url).toEqual(bundled)
    }
  })
})
