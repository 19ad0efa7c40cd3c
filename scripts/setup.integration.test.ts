import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, describe, expect, it } from 'vitest'
import { setupSandbox, standInInstall, type SetupSandbox } from './testing/setup-sandbox'

// scripts/setup.sh and scripts/start.js, run for real in a throwaway copy of the project (npm
// and apt are stand-ins that record their calls; Electron's install.js is its real one unless
// a test replaces it).
let sandbox: SetupSandbox | null = null
afterEach(() => {
  if (sandbox) rmSync(sandbox.root, { recursive: true, force: true })
  sandbox = null
})

function setup(extraEnv: Record<string, string> = {}) {
  sandbox = setupSandbox()
  const box = sandbox
  const run = () =>
    execa('bash', [join(box.root, 'scripts', 'setup.sh')], {
      cwd: box.root,
      env: { ...box.env, ...extraEnv },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    })
  const startPlan = () =>
    execa(process.execPath, [join(box.root, 'scripts', 'start.js'), '--dry-run'], {
      cwd: box.root,
      env: box.env,
      extendEnv: false,
      reject: false,
    })
  return { box, run, startPlan }
}

const fakeDownload = `// Stands in for a download that succeeds: lays out what the real one extracts.
const { chmodSync, mkdirSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')
mkdirSync(join(__dirname, 'dist'), { recursive: true })
writeFileSync(join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n')
chmodSync(join(__dirname, 'dist', 'electron'), 0o755)
writeFileSync(join(__dirname, 'dist', 'version'), require('./package.json').version)
writeFileSync(join(__dirname, 'path.txt'), 'electron')
`

describe('scripts/setup.sh and npm start', () => {
  it('installs the npm packages without the binary, then says in one line the window is unavailable when the download fails, and exits 0', async () => {
    // Electron's real install.js; a mirror on a closed port fails as fast as no network does.
    const { box, run, startPlan } = setup({ ELECTRON_MIRROR: 'http://127.0.0.1:9/' })
    const started = Date.now()
    const r = await run()
    expect(r.exitCode, r.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(readFileSync(box.npmLog, 'utf8')).toBe(
      'ELECTRON_SKIP_BINARY_DOWNLOAD=1 ci --no-audit --no-fund\n',
    )
    const lines = r.stdout.split('\n').filter((l) => /desktop window/.test(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^setup: the desktop window is unavailable \(`npm run web` serves the same UI.*: its download failed: .*ECONNREFUSED/,
    )
    const start = await startPlan()
    expect(start.exitCode).toBe(1)
    expect(start.stderr).toMatch(/needs the Electron binary/)
  })

  it('gives up on a download that hangs after VIREO_ELECTRON_DOWNLOAD_TIMEOUT seconds, and exits 0', async () => {
    const { box, run } = setup({ VIREO_ELECTRON_DOWNLOAD_TIMEOUT: '1' })
    standInInstall(box, 'setTimeout(() => {}, 60_000)\n')
    const started = Date.now()
    const r = await run()
    expect(r.exitCode, r.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(r.stdout).toMatch(
      /^setup: the desktop window is unavailable .*: its download took longer than 1 s/m,
    )
  })

  it('honours the user’s own ELECTRON_SKIP_BINARY_DOWNLOAD: no download, one line saying so', async () => {
    const { box, run } = setup({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })
    standInInstall(
      box,
      "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran'), '')\n",
    )
    const r = await run()
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(
      /^setup: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron's binary was not downloaded: the desktop window is unavailable/m,
    )
    expect(r.stdout.split('\n').filter((l) => /desktop window/.test(l))).toHaveLength(1)
    expect(() => readFileSync(join(box.root, 'node_modules', 'electron', 'ran'))).toThrow()
  })

  it('where the download succeeds, says so, and npm start would build and launch that Electron', async () => {
    const { box, run, startPlan } = setup()
    standInInstall(box, fakeDownload)
    const r = await run()
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(
      /^setup: Electron's binary is installed; `npm start` opens the desktop window\.$/m,
    )
    const start = await startPlan()
    expect(start.exitCode, start.stderr).toBe(0)
    expect(start.stdout.split('\n')).toEqual([
      'npx electron-vite build',
      'npx electron-vite preview --skipBuild',
      `electron: ${join(box.root, 'node_modules', 'electron', 'dist', 'electron')}`,
    ])
  })
})
