// `npm start`: build, then launch the Electron app. Where the Electron binary is missing (it is
// downloaded by electron's install step, which offline machines skip), say what to do instead.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The binary the electron package points at (ELECTRON_OVERRIDE_DIST_PATH included), if it is there. */
function electronBinary() {
  let binary
  try {
    binary = require('electron') // throws when npm skipped the download
  } catch {
    return null
  }
  return typeof binary === 'string' && existsSync(binary) ? binary : null
}

if (electronBinary() === null) {
  console.error(`
Vireo's desktop window needs the Electron binary, and it is not installed here: npm skipped
its download (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network when it installed). To get it, run
\`node node_modules/electron/install.js\` on a machine with internet access (or set
ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron ${require('electron/package.json').version} you already have), then
\`npm start\` again.

Meanwhile the same app runs in your browser: \`npm run web\` serves it on 127.0.0.1 and prints
the URL to open (it carries an access token).
`)
  process.exit(1)
}

const run = (args) => spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1
const built = run(['electron-vite', 'build'])
if (built !== 0) process.exit(built)
process.exit(run(['electron-vite', 'preview', '--skipBuild']))
