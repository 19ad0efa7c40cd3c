import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { removeHome, startVireoWeb, type VireoWeb } from './testing/vireo-web'
import type { ServerMessage } from '../api/wire'
import { until } from '../core/testing/fault-support'
import { COOKIE_NAME } from './auth'
import { preview, rawRequest, slowClient } from './testing/raw-http'
import { prng } from '../core/testing/prng'

// FAULTS 36: the HTTP layer under fire, as dispatch.fuzz does the API. Random and malformed
// requests (request lines, targets, methods, versions, headers huge and broken, upgrades) on
// raw sockets to a real `vireo web` process, a few at a time, while one client drips a request
// a byte at a time, another connects and sends nothing, and an API client works on. Every
// request gets an HTTP answer, never a 500, and nothing without the token and the right Host
// gets past 4xx; the process stays up; the other clients are unaffected. Bounded by count.
// Replay with VIREO_HTTP_FUZZ_SEED.
const SEED = Number(process.env.VIREO_HTTP_FUZZ_SEED ?? 0x5eed_0036)
const REQUESTS = Number(process.env.VIREO_HTTP_FUZZ_REQUESTS ?? 1500)
const CONCURRENCY = 6
/** What an answer may be; 500 (a handler failed) never. */
const STATUSES = new Set([
  100, 101, 200, 303, 400, 401, 404, 405, 408, 413, 414, 421, 431, 501, 505,
])

let host: VireoWeb
let port: number
let stderr = ''

const random = prng(SEED)
const int = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
const chance = (p: number): boolean => random() < p

interface Case {
  bytes: Buffer
  /** Carries the good token (cookie or query) and names the right host. */
  admissible: boolean
}

function randomSegment(): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    '.',
    '..',
    '%',
    '%2f',
    '%00',
    '%E0%A4',
    ';',
    '@',
    ':',
    '\\',
    '~',
    'é',
    '語',
    '\u202e',
  ]
  return Array.from({ length: 1 + int(6) }, () => pick(alphabet)).join('')
}

function fuzzCase(): Case {
  const token = host.token
  const good = `127.0.0.1:${port}`
  const target = pick<() => string>([
    () => '/',
    () => '//',
    () => '///x//',
    () => '//evil.example/?token=' + token,
    () => '/index.html',
    () => '/%E0%A4%A',
    () => '/%',
    () => '/a%zz',
    () => '/%00',
    () => '/..%2f..%2fetc%2fpasswd',
    () => '/../../etc/passwd',
    () => '/\\..\\..\\etc\\passwd',
    () => '*',
    () => 'http://evil.example/',
    () => `http://${good}/?token=${token}`,
    () => '/api',
    () => `/api?token=${token}`,
    () => `/console/x?token=${token}`,
    () => '/console/%E0?token=y',
    () => `/?token=${token}`,
    () => '/?token=',
    () => `/?token=${token}&token=bad&a=%zz`,
    () => '/' + 'a'.repeat(pick([300, 9000, 20_000])),
    () => '/' + '%41'.repeat(3000),
    () => `/${randomSegment()}/${randomSegment()}?${randomSegment()}=${randomSegment()}`,
  ])()
  const method = chance(0.6)
    ? 'GET'
    : pick([
        'GET',
        'GET',
        'GET',
        'GET',
        'HEAD',
        'POST',
        'PUT',
        'DELETE',
        'OPTIONS',
        'PATCH',
        'TRACE',
        'CONNECT',
        'get',
        'GÉT',
        'X'.repeat(200),
        '',
      ])
  const version = chance(0.8)
    ? 'HTTP/1.1'
    : pick([
        'HTTP/1.1',
        'HTTP/1.1',
        'HTTP/1.1',
        'HTTP/1.1',
        'HTTP/1.0',
        'HTTP/2.0',
        'HTTP/0.9',
        'HTTP/1.1 extra',
        '',
        'FOO/1.1',
      ])
  const lines: string[] = []
  const hostHeader = pick<string | null>([
    good,
    good,
    good,
    `localhost:${port}`,
    `evil.example:${port}`,
    `127.0.0.1:${port + 1}`,
    '',
    null,
    `${good}, evil.example`,
  ])
  if (hostHeader !== null) lines.push(`Host: ${hostHeader}`)
  if (chance(0.05)) lines.push(`Host: evil.example:${port}`)
  const cookie = pick<string | null>([
    null,
    `${COOKIE_NAME}=${token}`,
    `${COOKIE_NAME}=${token}`,
    `${COOKIE_NAME}=wrong`,
    `a=1; ${COOKIE_NAME}=${token}; b=2`,
    `${COOKIE_NAME}=`,
    'x'.repeat(9000),
  ])
  if (cookie !== null) lines.push(`Cookie: ${cookie}`)
  if (chance(0.3)) {
    lines.push(
      'Connection: Upgrade',
      `Upgrade: ${chance(0.8) ? 'websocket' : pick(['WebSocket', 'h2c', 'x'])}`,
    )
    if (chance(0.9)) lines.push(`Sec-WebSocket-Version: ${chance(0.8) ? '13' : pick(['8', 'x'])}`)
    if (chance(0.9))
      lines.push(
        `Sec-WebSocket-Key: ${chance(0.8) ? 'dGhlIHNhbXBsZSBub25jZQ==' : pick(['short', ''])}`,
      )
  }
  if (chance(0.2))
    lines.push(
      `Origin: ${pick([`http://${good}`, 'http://evil.example', 'null', '::::', randomSegment()])}`,
    )
  if (chance(0.15))
    lines.push(`Content-Length: ${pick(['0', '5', '-1', 'abc', '99999999999999999999', '5, 6'])}`)
  if (chance(0.1)) lines.push('Transfer-Encoding: chunked')
  if (chance(0.05)) lines.push('Expect: 100-continue')
  if (chance(0.05)) lines.push(`X-Big: ${'b'.repeat(pick([8000, 20_000, 70_000]))}`)
  if (chance(0.05)) for (let i = 0; i < pick([50, 300, 3000]); i++) lines.push(`X-Many-${i}: ${i}`)
  if (chance(0.05))
    lines.push(
      pick([
        'Bad Name: x',
        'X-Nul: a\u0000b',
        'X-Cr: a\rb',
        ' folded: x',
        ': empty-name',
        'NoColon',
        'X-Utf8: é語',
      ]),
    )
  const eol = chance(0.05) ? '\n' : '\r\n'
  const body = chance(0.1)
    ? pick(['hello', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', '\u0000\u0001'])
    : ''
  const requestLine = chance(0.02)
    ? randomSegment()
    : [method, target, version].filter((p) => p !== '').join(' ')
  const text = [requestLine, ...lines].join(eol) + eol + eol + body
  // May succeed: carries the token somewhere and names the right host, once.
  const hosts = lines.filter((line) => line.startsWith('Host:')).map((line) => line.slice(5).trim())
  const admissible =
    text.includes(token) &&
    hosts.length === 1 &&
    [good, `localhost:${port}`].includes(hosts[0] ?? '')
  return { bytes: Buffer.from(text, 'utf8'), admissible }
}

/** A client of the API over its WebSocket, opened before the fuzz and used after it. */
function openApi(): Promise<{
  ws: WebSocket
  closed: () => boolean
  listVms: () => Promise<unknown>
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
      headers: { cookie: `${COOKIE_NAME}=${host.token}` },
    })
    let closed = false
    ws.on('close', () => (closed = true))
    ws.once('error', reject)
    ws.once('open', () =>
      resolve({
        ws,
        closed: () => closed,
        listVms: () =>
          new Promise((done) => {
            ws.once('message', (data: Buffer) => done(JSON.parse(data.toString()) as ServerMessage))
            ws.send(JSON.stringify({ type: 'call', id: 1, method: 'listVms', params: {} }))
          }),
      }),
    )
  })
}

beforeAll(async () => {
  host = await startVireoWeb()
  port = Number(new URL(host.origin).port)
  host.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
})

afterAll(async () => {
  await host.stop()
  await removeHome(host.home)
  rmSync(host.home, { recursive: true, force: true })
})

describe('FAULTS 36: hostile and malformed HTTP requests', () => {
  it(`answers ${REQUESTS} random and malformed requests with HTTP errors, and stays up for everyone else (seed ${SEED})`, async () => {
    const steady = await openApi()
    expect(await steady.listVms()).toMatchObject({ type: 'reply', ok: true, result: [] })
    const drip = slowClient(
      port,
      `GET /?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
      150,
    )
    // And one that connects and says nothing at all.
    const idle = slowClient(port, '', 150)

    const seen = new Map<number | null, number>()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        const n = next++
        const request = fuzzCase()
        const answer = await rawRequest(port, request.bytes, { timeoutMs: 20_000 })
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1)
        const where = `seed ${SEED}, request ${n}${request.admissible ? ' (admissible)' : ''}: ${preview(request.bytes)} → ${answer.head.split('\r\n')[0] ?? ''}`
        expect(answer.status !== null && STATUSES.has(answer.status), where).toBe(true)
        if (!request.admissible) expect(answer.status ?? 0, where).toBeGreaterThanOrEqual(400)
        expect(host.process.exitCode, where).toBeNull()
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))

    // The host is up, and serves a good request and the other client as before.
    expect(host.process.exitCode).toBeNull()
    const page = await fetch(`${host.origin}/`, {
      headers: { cookie: `${COOKIE_NAME}=${host.token}` },
    })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    expect(steady.closed()).toBe(false)
    expect(await steady.listVms()).toMatchObject({ type: 'reply', ok: true, result: [] })
    steady.ws.close()
    // The slow client was answered 408 once its time for the headers ran out, and let go.
    await until('the slow client to be let go', () => drip.closed, 30_000, 100)
    expect(drip.received).toMatch(/^HTTP\/1\.1 408 /)
    drip.stop()
    await until('the idle client to be let go', () => idle.closed, 30_000, 100)
    expect(idle.received).toMatch(/^HTTP\/1\.1 408 /)
    // Nothing failed inside the host (a handler failure is logged as "… failed").
    expect(stderr).not.toMatch(/failed/)
    if (process.env.VIREO_HTTP_FUZZ_SHOW === '1') console.log([...seen.entries()])
    // A sanity check of the generator: it reached the host's own answers, not just Node's.
    for (const status of [101, 200, 303, 400, 401, 404, 405, 421, 431])
      expect(seen.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
  })
})
