import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testWebToken, webHostUrl } from '../../cli/testing/web-url'

export interface VireoWeb {
  /** The URL with the token, as `vireo web` printed it. */
  url: string
  /** The origin (http://127.0.0.1:PORT). */
  origin: string
  token: string
  home: string
  /** Its XDG_CONFIG_HOME (the settings file is `<configHome>/vireo/settings.json`): in `home`. */
  configHome: string
  process: ChildProcess
  /** Stops the web host (SIGTERM); VMs keep running. */
  stop(): Promise<void>
}

/**
 * Test support (not shipped), for the web host's integration tests and the e2e suite: starts the real web host (`node bin/vireo.js web`, from the built app) on a free loopback
 * port, with its own VIREO_HOME: each test file gets a throwaway data folder.
 */
export async function startVireoWeb(
  options: { home?: string; port?: number; token?: string } = {},
): Promise<VireoWeb> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'vireo-e2e-'))
  const token = options.token ?? testWebToken()
  // A settings file of the test's own, never the user's: tests change settings (theme, folders).
  const configHome = join(home, 'config')
  const child = spawn(
    process.execPath,
    ['bin/vireo.js', 'web', '--port', String(options.port ?? 0)],
    {
      // Its own settings folder (settings, saved connections): never the machine's ~/.config.
      env: { ...process.env, VIREO_HOME: home, VIREO_TOKEN: token, XDG_CONFIG_HOME: configHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const url = await webHostUrl(child)
  return {
    url,
    origin: new URL(url).origin,
    token,
    home,
    configHome,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Removes a test's VIREO_HOME after forcing off any VM still running in it. */
export async function removeHome(home: string): Promise<void> {
  const { execFileSync } = await import('node:child_process')
  try {
    const vms = JSON.parse(
      execFileSync(process.execPath, ['bin/vireo.js', 'list', '--json'], {
        env: { ...process.env, VIREO_HOME: home },
      }).toString(),
    ) as { id: string; state: string }[]
    for (const vm of vms.filter((v) => v.state !== 'stopped' && v.state !== 'crashed')) {
      execFileSync(process.execPath, ['bin/vireo.js', 'stop', vm.id], {
        env: { ...process.env, VIREO_HOME: home },
      })
    }
  } catch {
    // Nothing listed: nothing to stop.
  }
  rmSync(home, { recursive: true, force: true })
}
