import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * The window's options, kept apart from the code that opens it so that a test can hold them to
 * Electron's security checklist: an isolated, sandboxed renderer with no Node.js in it.
 */
export function windowOptions(preload: string, icon: string): BrowserWindowConstructorOptions {
  return {
    icon,
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Vireo',
    show: false,
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}

/**
 * The window's icon (the one resources/icon.svg renders to), from the built main process's
 * folder (out/main): resources/ sits beside out/ in the checkout and in the packaged app.
 */
export function windowIcon(mainDir: string): string {
  return join(mainDir, '..', '..', 'resources', 'icons', '512x512.png')
}

/** The renderer's origin: bundled files served from a custom protocol, not file://. */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://vireo`

/**
 * Where the window loads the UI from, and so the one origin trusted over IPC: the bundled
 * files on app://, or, for `electron-vite dev` on an unpackaged app, Vite's dev server (hot
 * reload), which must be on this machine's loopback.
 */
export function rendererLocation(
  env: Record<string, string | undefined>,
  packaged: boolean,
): { url: string; origin: string } {
  const dev = packaged ? undefined : env.ELECTRON_RENDERER_URL
  if (dev !== undefined && URL.canParse(dev)) {
    const url = new URL(dev)
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      return { url: url.href, origin: url.origin }
    }
  }
  return { url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN }
}

/** The Electron window's CSP; consoles connect to the loopback bridge only. */
export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')
