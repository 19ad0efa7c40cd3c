import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../src-main/cli/testing/cli-home'

// The server package (`npm run package`), built from out/ and unpacked into a folder, run from
// there with a clean environment and another working folder: what it holds is enough, without
// the checkout. Installing it with apt needs root: scripts/package-check.sh does that on CI.
const root = join(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'vireo-deb-test-'))
const deb = join(
  scratch,
  `vireo_${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}_amd64.deb`,
)
const unpacked = join(scratch, 'root')
const lib = join(unpacked, 'usr', 'lib', 'vireo')
let files: string[] = []

beforeAll(async () => {
  requireBuild()
  await execa(process.execPath, [
    join(root, 'scripts', 'package-deb.js'),
    '--fast',
    '--out',
    scratch,
  ])
  await execa('dpkg-deb', ['-x', deb, unpacked])
  files = (await execa('dpkg-deb', ['--contents', deb])).stdout
    .split('\n')
    .map((l) => l.split(/\s+/).at(-1) ?? '')
}, 300_000)
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The unpacked package's `vireo`, from / with nothing of this checkout in its environment. */
const vireo = (...args: string[]) =>
  execa(join(lib, 'node'), [join(lib, 'out', 'main', 'cli.js'), ...args], {
    cwd: '/',
    env: { PATH: '/usr/bin:/bin', HOME: scratch, VIREO_HOME: join(scratch, 'home') },
    extendEnv: false,
    reject: false,
  })

describe('the server package', () => {
  it('says what it is and what it needs', async () => {
    const field = async (name: string) => (await execa('dpkg-deb', ['--field', deb, name])).stdout
    expect(await field('Package')).toBe('vireo')
    expect(await field('Architecture')).toBe('amd64')
    expect(await field('Depends')).toMatch(/qemu-system-x86.*qemu-utils/)
    expect(await field('Recommends')).toContain('ovmf')
  })

  it('holds the command, its own Node.js, the web host and the UI, and no Electron', () => {
    for (const path of [
      './usr/bin/vireo',
      './usr/lib/vireo/node',
      './usr/lib/vireo/out/main/cli.js',
      './usr/lib/vireo/out/renderer/index.html',
      // ws stays a package (zod and execa are bundled into the chunks: electron.vite.config.ts).
      './usr/lib/vireo/node_modules/ws/package.json',
      './usr/share/doc/vireo/copyright',
      './usr/share/bash-completion/completions/vireo',
    ]) {
      expect(files, path).toContain(path)
    }
    expect(files.filter((f) => /electron|\/out\/main\/index\.js|\/out\/preload\//.test(f))).toEqual(
      [],
    )
    expect(readFileSync(join(unpacked, 'usr', 'bin', 'vireo'), 'utf8')).toContain(
      'exec /usr/lib/vireo/node /usr/lib/vireo/out/main/cli.js "$@"',
    )
    expect(statSync(join(unpacked, 'usr', 'bin', 'vireo')).mode & 0o777).toBe(0o755)
    expect(statSync(join(lib, 'node')).mode & 0o777).toBe(0o755)
  })

  it('runs from its own files: the CLI, and vireo web serving the UI with its token', async () => {
    expect((await vireo('--help')).stdout).toContain('Usage: vireo')
    const list = await vireo('list', '--json')
    expect(list.exitCode, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual([])
    const smoke = await execa(
      join(lib, 'node'),
      [
        join(root, 'scripts', 'web-smoke.js'),
        join(lib, 'node'),
        join(lib, 'out', 'main', 'cli.js'),
        'web',
        '--port',
        '0',
      ],
      {
        cwd: '/',
        env: { PATH: '/usr/bin:/bin', HOME: scratch, VIREO_HOME: join(scratch, 'home') },
        extendEnv: false,
        reject: false,
        timeout: 60_000,
      },
    )
    expect(smoke.exitCode, smoke.stdout + smoke.stderr).toBe(0)
  })
})
