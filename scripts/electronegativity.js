// Electronegativity over the app as it ships: the Electron main/preload sources (where its
// `eng-disable` justifications live; the bundler strips comments) and the built renderer.
// Fails on any finding above INFORMATIONAL.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const work = mkdtempSync(join(tmpdir(), 'vireo-eng-'))
try {
  // Not the tests, nor their helpers (testing/: the stand-in electron module is not shipped).
  const shipped = (f) => !f.endsWith('.test.ts') && !/[/\\]testing([/\\]|$)/.test(f)
  cpSync('src-main/electron', join(work, 'electron'), { recursive: true, filter: shipped })
  cpSync('out/renderer', join(work, 'renderer'), { recursive: true })
  const csv = join(work, 'findings.csv')
  const electron = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version
  const run = spawnSync('npx', ['electronegativity', '-i', work, '-r', '-v', 'false', '-e', electron, '-o', csv], { encoding: 'utf8' })
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr)
    process.exit(1)
  }
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1)
  const serious = rows.filter((r) => !/^[A-Z_]+,"INFORMATIONAL"/.test(r))
  for (const r of rows) console.log(r)
  console.log(`electronegativity: ${rows.length} findings, ${serious.length} above informational`)
  process.exit(serious.length === 0 ? 0 : 1)
} finally {
  rmSync(work, { recursive: true, force: true })
}
