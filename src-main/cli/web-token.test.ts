import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { toErrorInfo } from '../core/errors'
import { webToken } from './web-token'

const dir = mkdtempSync(join(tmpdir(), 'vireo-token-'))
const good = 'a'.repeat(20) + '0123456789ab' // 32 characters
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function refusal(run: () => unknown) {
  try {
    run()
  } catch (error) {
    return toErrorInfo(error)
  }
  throw new Error('accepted')
}

function tokenFile(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  chmodSync(path, mode)
  return path
}

describe('the web host token', () => {
  it('is random and long when none is given', () => {
    const a = webToken({}, {})
    expect(a.length).toBeGreaterThanOrEqual(32)
    expect(webToken({}, {})).not.toBe(a)
  })

  it('comes from VIREO_TOKEN', () => {
    expect(webToken({}, { VIREO_TOKEN: good })).toBe(good)
  })

  it('is never taken from the command line, which every local user can read', () => {
    const error = refusal(() => webToken({ token: good }, {}))
    expect(error.message).toMatch(/--token is not accepted: a command line is visible/)
    expect(error.hint).toMatch(/VIREO_TOKEN .*--token-file PATH/)
  })

  it('refuses an empty or short token, or one that would not survive a cookie, saying what to do', () => {
    expect(refusal(() => webToken({}, { VIREO_TOKEN: '' }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'VIREO_TOKEN: The token is empty, which would turn authentication off.',
      hint: expect.stringMatching(/at least 32 characters .*openssl rand -hex 32/),
    })
    expect(refusal(() => webToken({}, { VIREO_TOKEN: 'a' })).message).toBe(
      'VIREO_TOKEN: The token is 1 characters long; it needs at least 32.',
    )
    expect(refusal(() => webToken({}, { VIREO_TOKEN: good.slice(1) })).message).toMatch(
      /31 characters/,
    )
    expect(refusal(() => webToken({}, { VIREO_TOKEN: `${good}; Path=/x` })).message).toMatch(
      /only letters, digits/,
    )
  })

  it('reads a token file of one line, the newline at its end not included', () => {
    expect(webToken({ tokenFile: tokenFile('ok', `${good}\n`) }, {})).toBe(good)
    expect(refusal(() => webToken({ tokenFile: tokenFile('short', 'abc\n') }, {})).message).toMatch(
      /The token in .*short: The token is 3 characters long/,
    )
    expect(
      refusal(() => webToken({ tokenFile: tokenFile('two', `${good}\n${good}\n`) }, {})).message,
    ).toMatch(/only letters, digits/)
  })

  it('refuses a token file others may read or write, a folder, a FIFO, a missing file, and both sources at once', () => {
    const loose = tokenFile('loose', good, 0o644)
    expect(refusal(() => webToken({ tokenFile: loose }, {}))).toMatchObject({
      message: expect.stringMatching(/can be read or changed by other users \(mode 644\)/),
      hint: `Run: chmod 600 ${loose}`,
    })
    expect(
      refusal(() => webToken({ tokenFile: tokenFile('group', good, 0o620) }, {})).message,
    ).toMatch(/mode 620/)
    expect(refusal(() => webToken({ tokenFile: dir }, {})).message).toMatch(/is not a regular file/)
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', ['-m', '600', fifo])
    expect(refusal(() => webToken({ tokenFile: fifo }, {})).message).toMatch(
      /is not a regular file/,
    )
    expect(refusal(() => webToken({ tokenFile: join(dir, 'missing') }, {})).message).toMatch(
      /cannot be opened \(ENOENT\)/,
    )
    const link = join(dir, 'link')
    symlinkSync(loose, link)
    expect(refusal(() => webToken({ tokenFile: link }, {})).message).toMatch(/mode 644/)
    const ok = tokenFile('ok2', good)
    expect(refusal(() => webToken({ tokenFile: ok }, { VIREO_TOKEN: good })).message).toMatch(
      /Both VIREO_TOKEN and --token-file/,
    )
  })
})
