import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// One build for every Node-side entry: the Electron main process and the `vireo` CLI
// (which also starts the web host) share the core, so they are bundled together.
export default defineConfig({
  main: {
    build: {
      // zod and execa are bundled (tree-shaken, one file each) rather than loaded from their
      // many files: that halves what a `vireo list` spends loading zod, and cuts execa's load
      // (which `vireo info` pays for qemu-img) from ~190 to ~60 ms. Other packages stay external.
      externalizeDeps: { exclude: ['zod', 'execa'] },
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          cli: resolve('src-main/cli/main.ts'),
        },
        // Chunks (each CLI command is one, loaded on demand) sit beside the entries, not in
        // chunks/: `vireo web` finds the UI as ../renderer from its own file.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src-main/electron/preload.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      // Minified: the first-load script is what a cold load of the web UI waits for (issue 18).
      minify: true,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
    plugins: [react(), devOnlyCsp()],
  },
})

/**
 * `electron-vite dev` only: Vite serves the UI with an inline React Refresh preamble and
 * injects styles as <style> elements, both of which the app's CSP forbids. This loosens
 * exactly those two while the dev server serves; builds keep the strict policy.
 */
function devOnlyCsp(): Plugin {
  return {
    name: 'vireo-dev-only-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  }
}
