// `npm start`: build, then launch the Electron app. Where the Electron binary is missing (it is
// downloaded by electron's install step, which offline machines skip), say what to do instead.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH
  const dir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
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
