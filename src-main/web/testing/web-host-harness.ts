import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher } from '../../api/dispatch'
import { resolvePaths } from '../../core/paths'
import { killQemus, qemuPids } from '../../core/testing/fault-support'
import { Vireo } from '../../core/vireo'
import { COOKIE_NAME } from '../auth'
import { startWebHost, type WebHost } from '../web-host'

// Test support (not shipped): the real web host in the test's own process, over the real core.

/** Makes `dir` (if need be) a stand-in for the built renderer: an index.html and nothing else. */
export function writeStaticRoot(dir: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Vireo</title>')
  return dir
}

/** The web host over `vireo` as `vireo web` wires it (dispatcher, events, consoles), on loopback. */
export function webHostOver(
  vireo: Vireo,
  options: { staticDir: string; token: string; host?: string; port?: number },
): Promise<WebHost> {
  return startWebHost({
    dispatch: createDispatcher(vireo),
    events: vireo,
    consoleUpgrade: (req, socket, head) => vireo.consoleBridge.handleUpgrade(req, socket, head),
    staticDir: options.staticDir,
    token: options.token,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  })
}

export interface TestWebHost {
  /** The VIREO_HOME, a throwaway folder. */
  home: string
  vireo: Vireo
  web: WebHost
  /** The origin (http://127.0.0.1:PORT). */
  base: string
  /** The Cookie header value that carries the token. */
  cookie: string
  /**
   * Closes the host and the core, kills (by pid) this home's QEMUs, removes its folders;
   * returns the QEMUs that were still running: each test stops what it started.
   */
  close(): Promise<number[]>
}

/** A throwaway VIREO_HOME (named from `prefix`), its core (watching) and a web host over it. */
export async function startTestWebHost(prefix: string, token: string): Promise<TestWebHost> {
  const home = mkdtempSync(join(tmpdir(), prefix))
  const staticDir = writeStaticRoot(mkdtempSync(join(tmpdir(), 'vireo-static-')))
  const paths = resolvePaths({ VIREO_HOME: home })
  // Its own settings folder: the settings a test changes are never the machine's ~/.config.
  const env = { ...process.env, VIREO_HOME: home, XDG_CONFIG_HOME: join(home, 'config') }
  const vireo = new Vireo({ paths, watch: true, env })
  const web = await webHostOver(vireo, { staticDir, token })
  return {
    home,
    vireo,
    web,
    base: new URL(web.url).origin,
    cookie: `${COOKIE_NAME}=${token}`,
    async close() {
      await web.close()
      vireo.dispose()
      // Only this home's QEMUs (their command lines name it), by pid.
      const leftover = qemuPids(home)
      await killQemus(home)
      rmSync(paths.runtime, { recursive: true, force: true })
      rmSync(home, { recursive: true, force: true })
      rmSync(staticDir, { recursive: true, force: true })
      return leftover
    },
  }
}
