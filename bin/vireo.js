#!/usr/bin/env node
// The `vireo` command. The CLI is bundled with the rest of the Node side by `npm run build`.
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error('vireo: Vireo is not built yet. Run `npm run build` in the Vireo folder, then try again.')
  process.exit(2)
}
await import(cli.href)
