import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolvePaths } from '../core/paths'
import { Vireo } from '../core/vireo'
import { COOKIE_NAME } from './auth'
import { rawRequest } from './testing/raw-http'
import { webHostOver, writeStaticRoot } from './testing/web-host-harness'
import type { WebHost } from './web-host'

// What the web host answers to requests a browser would not make, before any token check:
// targets that do not parse (FAULTS 36), a foreign Host header (DNS rebinding), and the token
// taken out of the address bar. A real host over real sockets, with the real core behind it.
const root = mkdtempSync(join(tmpdir(), 'vireo-web-requests-'))
const staticDir = join(root, 'static')
const token = 'requests-token-0123456789abcdefghij'
const cookie = `Cookie: ${COOKIE_NAME}=${token}\r\n`
const upgrade =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
let vireo: Vireo
const hosts: WebHost[] = []

beforeAll(() => {
  vireo = new Vireo({
    paths: resolvePaths({ VIREO_HOME: join(root, 'home'), XDG_RUNTIME_DIR: join(root, 'run') }),
    watch: false,
  })
  writeStaticRoot(staticDir)
})

afterAll(async () => {
  for (const host of hosts) await host.close()
  vireo.dispose()
  rmSync(root, { recursive: true, force: true })
})

async function start(host = '127.0.0.1'): Promise<{ web: WebHost; port: number }> {
  const web = await webHostOver(vireo, { staticDir, token, host })
  hosts.push(web)
  return { web, port: Number(new URL(web.url).port) }
}

/** `GET target` with these extra header lines; Host is 127.0.0.1:port unless given. */
function get(target: string, port: number, headers = '', host = `127.0.0.1:${port}`): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n`
}

/** The host still serves the page to a good request. */
async function stillServes(port: number): Promise<void> {
  const answer = await rawRequest(port, get('/', port, cookie))
  expect(answer.status).toBe(200)
}

describe('FAULTS 36: malformed request targets', () => {
  it('answers `GET //` with an HTTP error (it threw in URL parsing and killed the host), as a request and as an upgrade', async () => {
    const { port } = await start()
    expect((await rawRequest(port, get('//', port))).status).toBe(401)
    expect((await rawRequest(port, get('//', port, cookie))).status).toBe(404)
    expect((await rawRequest(port, get('//', port, upgrade))).status).toBe(401)
    expect((await rawRequest(port, get('//api', port, cookie + upgrade))).status).toBe(404)
    await stillServes(port)
  })

  it('answers broken percent-encoding with 400 (it was an unhandled rejection in static serving)', async () => {
    const { port } = await start()
    for (const target of ['/%E0%A4%A', '/%', '/a%zz', '/%C0%AF']) {
      expect((await rawRequest(port, get(target, port, cookie))).status, target).toBe(400)
      expect((await rawRequest(port, get(target, port, cookie + upgrade))).status, target).toBe(400)
    }
    await stillServes(port)
  })

  it('refuses targets that are not a path (`*`, absolute-form) with 400', async () => {
    const { port } = await start()
    for (const target of ['*', `http://127.0.0.1:${port}/`, 'index.html']) {
      expect((await rawRequest(port, get(target, port, cookie))).status, target).toBe(400)
    }
    await stillServes(port)
  })
})

describe('Security: the Host header must name the address the host listens on (DNS rebinding)', () => {
  it('bound to 127.0.0.1: answers 127.0.0.1:PORT and localhost:PORT, and refuses any other name with 421, before the token', async () => {
    const { port } = await start('127.0.0.1')
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`]) {
      expect((await rawRequest(port, get('/', port, cookie, host))).status, host).toBe(200)
    }
    const foreign = [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `[::1]:${port}`,
      `127.0.0.2:${port}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1:${port}@evil.example`,
      '',
    ]
    for (const host of foreign) {
      const answer = await rawRequest(port, get('/', port, cookie, host))
      expect(answer.status, host).toBe(421)
      expect(answer.head).not.toMatch(/Set-Cookie/i)
      expect((await rawRequest(port, get('/api', port, cookie + upgrade, host))).status, host).toBe(
        421,
      )
    }
    const noHost = await rawRequest(port, `GET / HTTP/1.0\r\n${cookie}\r\n`)
    expect(noHost.status).toBe(421)
    // Two Host headers (Node would keep the first): refused, as a request and as an upgrade.
    const two = `Host: evil.example:${port}\r\n${cookie}`
    expect((await rawRequest(port, get('/', port, two))).status).toBe(421)
    expect((await rawRequest(port, get('/api', port, two + upgrade))).status).toBe(421)
    // The API socket itself, with the token, through a rebound name.
    const api = `/api?token=${token}`
    expect((await rawRequest(port, get(api, port, upgrade, `evil.example:${port}`))).status).toBe(
      421,
    )
    expect((await rawRequest(port, get(api, port, upgrade))).status).toBe(101)
  })

  it('bound to ::1: answers [::1]:PORT and localhost:PORT only', async () => {
    const { port } = await start('::1')
    const on = { host: '::1' }
    expect((await rawRequest(port, get('/', port, cookie, `[::1]:${port}`), on)).status).toBe(200)
    expect((await rawRequest(port, get('/', port, cookie, `localhost:${port}`), on)).status).toBe(
      200,
    )
    expect((await rawRequest(port, get('/', port, cookie, `127.0.0.1:${port}`), on)).status).toBe(
      421,
    )
    expect(
      (await rawRequest(port, get('/', port, cookie, `evil.example:${port}`), on)).status,
    ).toBe(421)
  })

  it('bound to localhost: answers localhost, 127.0.0.1 and [::1]', async () => {
    const { port } = await start('localhost')
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(port, get('/', port, cookie, host))).status, host).toBe(200)
    }
    expect((await rawRequest(port, get('/', port, cookie, `evil.example:${port}`))).status).toBe(
      421,
    )
  })

  it('given --host ADDRESS: that address (and localhost, for a loopback one), not another', async () => {
    const { port } = await start('127.0.0.2')
    const on = { host: '127.0.0.2' }
    expect((await rawRequest(port, get('/', port, cookie, `127.0.0.2:${port}`), on)).status).toBe(
      200,
    )
    expect((await rawRequest(port, get('/', port, cookie, `127.0.0.1:${port}`), on)).status).toBe(
      421,
    )
  })
})

describe('Security: the token leaves the address bar', () => {
  it('after the first load sets the cookie, redirects (303) to the same address without token=, other parameters kept', async () => {
    const { port } = await start()
    const first = await rawRequest(port, get(`/index.html?a=1&token=${token}&b=%20x`, port))
    expect(first.status).toBe(303)
    expect(first.head).toMatch(/\r\nLocation: \/index\.html\?a=1&b=%20x\r\n/)
    expect(first.head).toMatch(
      new RegExp(
        `\\r\\nSet-Cookie: ${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/\\r\\n`,
      ),
    )
    const bare = await rawRequest(port, get(`/?token=${token}`, port))
    expect(bare.head).toMatch(/\r\nLocation: \/\r\n/)
    // Never to another site: `//evil.example/` would be a protocol-relative address.
    const slashes = await rawRequest(port, get(`//evil.example/?token=${token}`, port))
    expect(slashes.head).toMatch(/\r\nLocation: \/evil\.example\/\r\n/)
    // A wrong token is not redirected, and sets nothing.
    const wrong = await rawRequest(port, get('/?token=wrong', port))
    expect(wrong.status).toBe(401)
    expect(wrong.head).not.toMatch(/Set-Cookie|Location/i)
  })

  it('answers other methods with 405 and says which it allows', async () => {
    const { port } = await start()
    const post = await rawRequest(
      port,
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${cookie}Content-Length: 0\r\n\r\n`,
    )
    expect(post.status).toBe(405)
    expect(post.head).toMatch(/\r\nAllow: GET, HEAD\r\n/)
  })
})
