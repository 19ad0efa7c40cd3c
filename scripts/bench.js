// `npm run bench`: builds the app, bundles the benchmarks (bench/*.ts) with esbuild, runs them
// with Node. Figures, not tests: see docs/benchmarks.md. Options after `--` go to the
// benchmarks (`npm run bench -- --help`); `--no-build` uses the existing out/ build.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const args = process.argv.slice(2)
const noBuild = args.includes('--no-build')
const benchArgs = args.filter((a) => a !== '--no-build')

if (!noBuild && !benchArgs.includes('--help')) {
  console.error('bench: building the app (electron-vite build)…')
  const result = spawnSync('npx', ['electron-vite', 'build'], { encoding: 'utf8' })
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr)
    console.error('bench: the build failed')
    process.exit(1)
  }
}

// Bundled next to node_modules, so that the bundle's bare imports (ws, @playwright/test)
// resolve; removed again when the run ends.
const outDir = join('node_modules', '.cache', 'vireo-bench')
const outfile = join(outDir, `bench-${process.pid}.mjs`)
mkdirSync(outDir, { recursive: true })
await build({
  entryPoints: ['bench/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
})

const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...benchArgs], { stdio: 'inherit' })
// Ctrl+C reaches the benchmark too (same process group); it cleans up, then exits.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  rmSync(outfile, { force: true })
  process.exit(code ?? (signal ? 1 : 0))
})
