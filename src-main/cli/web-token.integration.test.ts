import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { testWebToken, webHostUrl } from './testing/web-url'

// How `vireo web` (the built bin/vireo.js) takes its token: never from its command line,
// never empty or short.
const root = mkdtempSync(join(tmpdir(), 'vireo-web-token-'))
const bin = join(import.meta.dirname, '..', '..', 'bin', 'vireo.js')
const env = { VIREO_HOME: join(root, 'home'), XDG_RUNTIME_DIR: join(root, 'run') }
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** `vireo web` that is expected to refuse to start: its exit code and stderr. */
async function refused(args: string[], extra: Record<string, string> = {}) {
  const r = await execa(process.execPath, [bin, 'web', '--port', '0', ...args], {
    env: { ...env, ...extra },
    extendEnv: false,
    reject: false,
    timeout: 20_000,
  })
  return { exitCode: r.exitCode, stderr: r.stderr }
}

/** Starts `vireo web`, returns its printed URL and the command line /proc shows for it. */
async function started(args: string[], extra: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'web', '--port', '0', ...args], {
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    const url = await webHostUrl(child)
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')
    const page = await fetch(url, { redirect: 'manual' })
    return { url: new URL(url), cmdline, status: page.status }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

describe('vireo web’s token', () => {
  it('is refused on the command line, where every local user can read it, saying what to do instead', async () => {
    for (const token of [testWebToken(), '', 'a']) {
      const r = await refused(['--token', token])
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(/--token is not accepted: a command line is visible to every user/)
      expect(r.stderr).toMatch(/VIREO_TOKEN .*--token-file PATH/)
    }
  })

  it('is refused when empty or shorter than 32 characters', async () => {
    const empty = await refused([], { VIREO_TOKEN: '' })
    expect(empty).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(/turn authentication off/),
    })
    const short = await refused([], { VIREO_TOKEN: 'a' })
    expect(short).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/at least 32/) })
    const file = join(root, 'short-token')
    writeFileSync(file, 'x'.repeat(31), { mode: 0o600 })
    expect(await refused(['--token-file', file])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(/31 characters long; it needs at least 32/),
    })
  })

  it('comes from VIREO_TOKEN or a private token file, and never shows on the command line', async () => {
    const token = testWebToken()
    const viaEnv = await started([], { VIREO_TOKEN: token })
    expect(viaEnv.url.searchParams.get('token')).toBe(token)
    expect(viaEnv.cmdline).not.toContain(token)
    expect(viaEnv.status).toBe(303)

    const file = join(root, 'token')
    writeFileSync(file, `${token}\n`)
    chmodSync(file, 0o644)
    expect(await refused(['--token-file', file])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(/can be read or changed by other users[^]*chmod 600/),
    })
    chmodSync(file, 0o600)
    const viaFile = await started(['--token-file', file], {})
    expect(viaFile.url.searchParams.get('token')).toBe(token)
    expect(viaFile.cmdline).not.toContain(token)
  })
})
