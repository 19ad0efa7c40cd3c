// `npm start`: build, then launch the Electron app. Where the Electron binary is missing (it is
// downloaded by scripts/setup.sh, which an offline machine cannot do), say what to do instead.
// `node scripts/start.js --dry-run` prints what it would run, one command a line, and runs nothing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The binary the electron package points at (ELECTRON_OVERRIDE_DIST_PATH included), if it is there. */
function electronBinary() {
  let binary
  try {
    binary = require('electron') // throws when the download was skipped or failed
  } catch {
    return null
  }
  return typeof binary === 'string' && existsSync(binary) ? binary : null
}

/** What `npm start` runs: the build, then electron-vite's preview, which launches that binary. */
const plan = [
  ['npx', 'electron-vite', 'build'],
  ['npx', 'electron-vite', 'preview', '--skipBuild'],
]

const electron = electronBinary()
if (electron === null) {
  console.error(`
Vireo's desktop window needs the Electron binary, and it is not installed here: its download
was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD) or failed (no network when \`scripts/setup.sh\` ran).
To get it, run \`node node_modules/electron/install.js\` on a machine with internet access (or set
ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron ${require('electron/package.json').version} you already have), then
\`npm start\` again.

Meanwhile the same app runs in your browser: \`npm run web\` serves it on 127.0.0.1 and prints
the URL to open (it carries an access token).
`)
  process.exit(1)
}

if (process.argv.includes('--dry-run')) {
  for (const argv of plan) console.log(argv.join(' '))
  console.log(`electron: ${electron}`)
  process.exit(0)
}
for (const argv of plan) {
  const [command, ...args] = argv
  const status = spawnSync(command, args, { stdio: 'inherit' }).status ?? 1
  if (status !== 0) process.exit(status)
}
process.exit(0)
