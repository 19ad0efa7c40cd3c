import { readFile } from 'node:fs/promises'
import ts from 'typescript'

// Test support (not shipped): Node module customization hooks for a main process run under
// the stand-in. `electron` resolves to ./electron-stand-in.ts, and the TypeScript files of this
// folder are compiled as they load (Node 20 runs no TypeScript by itself).

const here = new URL('./', import.meta.url).href
const standIn = new URL('./electron-stand-in.ts', import.meta.url).href

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: standIn, shortCircuit: true }
  if (context.parentURL?.startsWith(here) && /^\.\/[\w-]+$/.test(specifier)) {
    return { url: new URL(`${specifier}.ts`, context.parentURL).href, shortCircuit: true }
  }
  return next(specifier, context)
}

export async function load(url, context, next) {
  if (!url.startsWith(here) || !url.endsWith('.ts')) return next(url, context)
  const source = await readFile(new URL(url), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  return { format: 'module', source: outputText, shortCircuit: true }
}
