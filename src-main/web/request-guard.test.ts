import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { guardRequest, guardUpgrade } from './request-guard'
import { rawRequest } from './testing/raw-http'

let server: Server | null = null
afterEach(
  () =>
    new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve()))),
)

async function listen(s: Server): Promise<number> {
  server = s
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const address = s.address()
  return typeof address === 'object' && address !== null ? address.port : 0
}

describe('a handler that throws or rejects', () => {
  it('is logged and answered with 500, and the server answers the next request', async () => {
    const logged: string[] = []
    const log = (message: string): void => void logged.push(message)
    let calls = 0
    const port = await listen(
      createServer(
        guardRequest(async (req, res) => {
          calls++
          if (req.url === '/throw') throw new Error('thrown')
          if (req.url === '/reject') return Promise.reject(new Error('rejected'))
          res.end('fine')
        }, log),
      ),
    )
    for (const path of ['/throw', '/reject']) {
      const answer = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(answer.status, path).toBe(500)
    }
    expect((await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200)
    expect(logged).toEqual(['GET /throw failed', 'GET /reject failed'])
    expect(calls).toBe(3)
  })

  it('closes the connection when the answer had already begun', async () => {
    const port = await listen(
      createServer(
        guardRequest(
          (_req, res) => {
            res.writeHead(200, { 'Content-Length': '10' })
            res.write('half')
            throw new Error('midway')
          },
          () => undefined,
        ),
      ),
    )
    // Closed, not left waiting for the 6 bytes still due.
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.resume()
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    socket.destroy()
    expect(closed).toBe(true)
  })

  it('in an upgrade handler answers 500 on the raw socket', async () => {
    const logged: string[] = []
    const s = createServer()
    s.on(
      'upgrade',
      guardUpgrade(
        () => {
          throw new Error('upgrade failed')
        },
        (message) => void logged.push(message),
      ),
    )
    const port = await listen(s)
    const answer = await rawRequest(
      port,
      'GET /api HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    )
    expect(answer.status).toBe(500)
    expect(logged).toEqual(['upgrade /api failed'])
  })
})
