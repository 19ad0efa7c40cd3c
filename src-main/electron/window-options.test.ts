import { describe, expect, it } from 'vitest'
import { ELECTRON_CSP, windowOptions } from './window-options'

// Electron's security checklist, held as a test: if an option is lost or loosened, this fails.
describe('the Electron window', () => {
  const prefs = windowOptions('/app/preload/index.cjs').webPreferences ?? {}

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

  it('has a strict content security policy', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'")
    expect(ELECTRON_CSP).toContain("script-src 'self'")
    expect(ELECTRON_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect(ELECTRON_CSP).toContain("object-src 'none'")
  })
})
