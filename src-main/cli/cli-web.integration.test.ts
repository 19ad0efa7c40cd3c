import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { cliHome, vireoBin } from './testing/cli-home'
import { webHostUrl } from './testing/web-url'

// `vireo web` from the built CLI, whose command code is a chunk loaded on demand: it still
// finds and serves the built UI.
const { home, env } = cliHome('vireo-cli-web-')
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('vireo web', () => {
  it('serves the built UI at the URL it prints', async () => {
    const child = spawn(process.execPath, [vireoBin, 'web', '--port', '0'], {
      env: { ...process.env, ...env },
    })
    try {
      const url = await webHostUrl(child)
      // The printed URL's token becomes a cookie, and the page is the same address without it.
      const first = await fetch(url, { redirect: 'manual' })
      expect(first.status).toBe(303)
      const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? ''
      const page = await fetch(new URL(first.headers.get('location') ?? '', url), {
        headers: { cookie },
      })
      expect(page.status).toBe(200)
      expect(await page.text()).toMatch(/<!doctype html>/i)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
