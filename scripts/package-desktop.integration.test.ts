import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'

// `npm run package:desktop` where it cannot build: it says what is missing in one line, exit 1.
const script = join(import.meta.dirname, 'package-desktop.js')
const scratch = mkdtempSync(join(tmpdir(), 'vireo-desktop-pkg-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const run = (env: Record<string, string>) =>
  execa(process.execPath, [script, '--dry-run'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    extendEnv: false,
    reject: false,
  })

describe('npm run package:desktop', () => {
  it('without the Electron binary, says how to get it in one line and exits 1', async () => {
    const r = await run({ VIREO_ELECTRON_DIST: join(scratch, 'nowhere') })
    expect(r.exitCode).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(
      /Electron binary is missing: run `node node_modules\/electron\/install\.js`.*VIREO_ELECTRON_DIST/,
    )
  })

  it('with an Electron, builds with electron-builder, or says in one line that it is missing', async () => {
    const dist = join(scratch, 'electron')
    mkdirSync(dist)
    writeFileSync(join(dist, 'electron'), '')
    const r = await run({ VIREO_ELECTRON_DIST: dist })
    if (r.exitCode === 0) {
      expect(r.stdout).toContain(
        'npx electron-builder --linux --x64 --config electron-builder.config.js',
      )
    } else {
      expect(r.exitCode).toBe(1)
      expect(r.stderr.trim()).toBe(
        'package:desktop: electron-builder is not installed: run `npm install --no-save electron-builder@26`.',
      )
    }
  })
})
