// `npm run package:desktop`: the desktop packages (AppImage and deb, Linux x64) with
// electron-builder (electron-builder.config.js), from an Electron already on this machine:
// VIREO_ELECTRON_DIST, or node_modules/electron/dist once `node node_modules/electron/install.js`
// has downloaded it. Where that binary or electron-builder is missing, it says so in one line
// and exits 1. `--dry-run` prints what it would run, and runs nothing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { electronDist } from '../electron-builder.config.js'

const root = join(import.meta.dirname, '..')
const dist = electronDist(process.env, root)
if (dist === null) {
  console.error(
    'package:desktop: the Electron binary is missing: run `node node_modules/electron/install.js` where it can be downloaded, or set VIREO_ELECTRON_DIST to an unpacked Electron folder.',
  )
  process.exit(1)
}
if (!existsSync(join(root, 'node_modules', 'electron-builder', 'package.json'))) {
  console.error(
    'package:desktop: electron-builder is not installed: run `npm install --no-save electron-builder@26`.',
  )
  process.exit(1)
}
const plan = [
  ['npx', 'electron-vite', 'build'],
  [
    'npx',
    'electron-builder',
    '--linux',
    '--x64',
    '--config',
    'electron-builder.config.js',
    '--publish',
    'never',
  ],
]
for (const argv of plan) {
  if (process.argv.includes('--dry-run')) {
    console.log(argv.join(' '))
    continue
  }
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VIREO_ELECTRON_DIST: dist },
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
