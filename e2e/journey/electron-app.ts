import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { _electron, type ElectronApplication, type Page } from '@playwright/test'

const repo = join(import.meta.dirname, '..', '..')

/**
 * The Electron binary the `electron` package points at, or why there is none (npm skips
 * its download with ELECTRON_SKIP_BINARY_DOWNLOAD, as on our offline machines).
 */
export function electronBinary(): { path: string } | { missing: string } {
  let path: string
  try {
    path = createRequire(import.meta.url)('electron') as string
  } catch {
    path = ''
  }
  return path !== '' && existsSync(path)
    ? { path }
    : {
        missing:
          'no Electron binary: npm skipped its download (ELECTRON_SKIP_BINARY_DOWNLOAD, or offline); ' +
          'get it with `node node_modules/electron/install.js` where there is internet',
      }
}

export interface RunningApp {
  app: ElectronApplication
  window: Page
}

/** Launches the built app (out/main) with its own VIREO_HOME, and waits for its window. */
export async function launchElectron(binary: string, home: string): Promise<RunningApp> {
  const app = await _electron.launch({
    executablePath: binary,
    // Chromium refuses to sandbox as root (as in CI containers) unless told not to.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), repo],
    env: { ...process.env, VIREO_HOME: home },
  })
  return { app, window: await app.firstWindow() }
}
