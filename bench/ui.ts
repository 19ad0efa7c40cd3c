import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import { transform } from 'esbuild'
import { homeDir, type BenchContext } from './lib/context'
import type { Section } from './lib/report'
import { formatSeries, series } from './lib/stats'
import { ApiClient, startWebHost } from './lib/web'

const VMS = 5

interface LoadSample {
  listVisible: number
  domContentLoaded: number
  load: number
  wall: number
}

/** Records, in the page's own clock (0 = navigation start), when the VM list has its cards. */
const listProbe = `
  (() => {
    const seen = () => document.querySelector('ul[aria-labelledby="vm-list-title"] > li') !== null
    new MutationObserver((_m, observer) => {
      if (window.__benchListAt === undefined && seen()) {
        window.__benchListAt = performance.now()
        observer.disconnect()
      }
    }).observe(document, { childList: true, subtree: true })
  })()
`

interface Bundle {
  files: { path: string; bytes: number; gzip: number }[]
  initial: string[]
}

function bundleSizes(dir: string): Bundle {
  const files: Bundle['files'] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry)
      if (statSync(path).isDirectory()) walk(path)
      else {
        const data = readFileSync(path)
        files.push({ path: relative(dir, path), bytes: data.length, gzip: gzipSync(data).length })
      }
    }
  }
  walk(dir)
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const referenced = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((m) => m[1]!)
  return { files, initial: ['index.html', ...referenced.filter((p) => files.some((f) => f.path === p))] }
}

const kB = (n: number) => `${(n / 1024).toFixed(0)} KiB`

/**
 * UI: cold loads of the built renderer in Chromium against the web host, from navigation
 * start to the VM list showing its cards; and the size of what the browser downloads.
 */
export async function uiBench(ctx: BenchContext): Promise<Omit<Section, 'seconds'>> {
  const home = homeDir(ctx, 'home-ui')
  const host = await startWebHost(ctx, home)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const api = await ApiClient.connect(host)
    for (let i = 0; i < VMS; i++) {
      await api.call('createVm', { name: `ui-${i}`, source: { kind: 'none' }, diskSize: '1M', memoryMiB: 256, cpus: 1 })
    }
    api.close()
    const url = `${host.origin}/?token=${host.token}`
    const samples: LoadSample[] = []
    // One warm-up load (the browser process's own start-up), not counted.
    for (let run = ctx.smoke ? 0 : -1; run < ctx.runs; run++) {
      // A new context has an empty cache and no cookie: every load is a cold one.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      try {
        const page = await context.newPage()
        await page.addInitScript(listProbe)
        const t0 = performance.now()
        await page.goto(url)
        const list = page.getByRole('list', { name: 'Virtual machines' })
        await list.getByRole('listitem').first().waitFor({ state: 'visible', timeout: 30_000 })
        await page.getByRole('heading', { name: 'Virtual machines', exact: true }).waitFor({ state: 'visible' })
        const wall = performance.now() - t0
        const cards = await list.getByRole('listitem').count()
        if (cards !== VMS) throw new Error(`the list shows ${cards} VMs, not ${VMS}`)
        const timing = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          return {
            listVisible: (window as unknown as { __benchListAt?: number }).__benchListAt ?? Number.NaN,
            domContentLoaded: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
          }
        })
        if (run >= 0) samples.push({ ...timing, wall })
        ctx.log(`ui load: list visible at ${timing.listVisible.toFixed(0)} ms (wall ${wall.toFixed(0)} ms)`)
      } finally {
        await context.close()
      }
    }
    const bundle = bundleSizes(join(ctx.repo, 'out', 'renderer'))
    const sum = (files: Bundle['files'], k: 'bytes' | 'gzip') => files.reduce((n, f) => n + f[k], 0)
    const initialFiles = bundle.files.filter((f) => bundle.initial.includes(f.path))
    const visible = series(samples.map((s) => s.listVisible))
    // What minifying the first-load script would save (the renderer build does not minify).
    const entry = bundle.initial.find((p) => p.endsWith('.js'))
    let minified = ''
    if (entry !== undefined) {
      const code = readFileSync(join(ctx.repo, 'out', 'renderer', entry), 'utf8')
      const out = (await transform(code, { minify: true, loader: 'js', format: 'esm' })).code
      const original = bundle.files.find((f) => f.path === entry)!
      minified = `The first-load script \`${entry}\` is not minified (electron-vite's renderer build leaves \`build.minify\` off): ${kB(original.bytes)} (gzip ${kB(original.gzip)}); esbuild's minifier takes it to ${kB(out.length)} (gzip ${kB(gzipSync(out).length)}). ${visible.median <= 1000 ? 'The goal is met without it, ' : `**The goal is missed by ${((visible.median / 1000 - 1) * 100).toFixed(0)}%**; `}DOMContentLoaded (script fetched, parsed and run) takes most of the load, so \`renderer.build.minify: true\` in \`electron.vite.config.ts\` is the cheapest margin to gain.`
    }
    const table = bundle.files
      .sort((a, b) => b.bytes - a.bytes)
      .map((f) => `| \`${f.path}\` | ${kB(f.bytes)} | ${kB(f.gzip)} | ${bundle.initial.includes(f.path) ? 'first load' : 'on demand'} |`)
      .join('\n')
    return {
      id: 'ui',
      title: 'UI',
      rows: [
        { metric: `cold load → VM list visible (${VMS} VMs)`, value: formatSeries(visible, 'ms'), baseline: '', ratio: `${visible.median.toFixed(0)} ms`, goal: '≤ 1 s', met: visible.median <= 1000 },
        { metric: 'renderer bundle (out/renderer)', value: `${kB(sum(bundle.files, 'bytes'))} (gzip ${kB(sum(bundle.files, 'gzip'))})`, baseline: `first load ${kB(sum(initialFiles, 'bytes'))} (gzip ${kB(sum(initialFiles, 'gzip'))})`, ratio: '', goal: '—', met: null },
      ],
      notes: [
        `Debian's Chromium (${'/usr/bin/chromium'}, headless, through \`@playwright/test\`), ${ctx.runs} loads after one warm-up, each in a new browser context (empty cache, no cookie), of the URL \`vireo web\` prints, against a web host with ${VMS} defined VMs. The figure is the page's own clock (0 = navigation start) when the list's first card is in the DOM (a MutationObserver added before any page script), confirmed visible by \`getByRole('list', { name: 'Virtual machines' })\`; DOMContentLoaded at ${formatSeries(series(samples.map((s) => s.domContentLoaded)), 'ms')}, load event at ${formatSeries(series(samples.map((s) => s.load)), 'ms')}; seen from the test side (\`goto\` to visible), ${formatSeries(series(samples.map((s) => s.wall)), 'ms')}.`,
        ...(minified ? [minified] : []),
        `| file | size | gzip | loaded |\n|---|---|---|---|\n${table}\n\nThe web host serves the files uncompressed (gzip sizes are what a compressing server would send; over loopback it makes no difference).`,
      ],
    }
  } finally {
    await browser.close()
    await host.stop()
  }
}
