import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The layer rules of ARCHITECTURE.md live in eslint.config.js; these tests prove the lint
// really fails on a forbidden import (and stays quiet on an allowed one).
const eslint = new ESLint()

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message)
}

// ESLint's first lintText loads the TypeScript parser: seconds on a busy machine.
describe('layer rules', { timeout: 60_000 }, () => {
  it('core may not import electron', async () => {
    expect(await messages('src-main/core/vms/x.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(1)
  })

  it('core may not import a front door', async () => {
    expect(await messages('src-main/core/x.ts', "import { startWebHost } from '../web/web-host'\nexport const a = startWebHost\n")).toHaveLength(1)
    expect(await messages('src-main/core/x.ts', "import { runWeb } from '../cli/web-command'\nexport const a = runWeb\n")).toHaveLength(1)
  })

  it('core may not import the API layer, not even its types', async () => {
    expect(await messages('src-main/core/x.ts', "import { methods } from '../api/contract'\nexport const a = methods\n")).toHaveLength(1)
    expect(await messages('src-main/core/vms/x.ts', "import type { VmSummary } from '../../api/types'\nexport type A = VmSummary\n")).toHaveLength(1)
    expect(await messages('src-main/core/x.ts', "import type { Params } from '../api/contract'\nexport type A = Params<'getVm'>\n")).toHaveLength(1)
    expect(await messages('src-main/core/x.ts', "import type { VmSummary } from './types'\nexport type A = VmSummary\n")).toHaveLength(0)
  })

  it('core may not serve HTTP', async () => {
    expect(await messages('src-main/core/x.ts', "import { createServer } from 'node:http'\nexport const a = createServer\n")).toHaveLength(1)
  })

  it('the renderer may import only types from the API', async () => {
    const file = 'src-renderer/src/x.ts'
    expect(await messages(file, "import type { VmSummary } from '../../src-main/api/types'\nexport type A = VmSummary\n")).toHaveLength(0)
    expect(await messages(file, "import { methods } from '../../src-main/api/contract'\nexport const a = methods\n")).toHaveLength(1)
    expect(await messages(file, "import { Vireo } from '../../src-main/core/vireo'\nexport const a = Vireo\n")).toHaveLength(1)
    expect(await messages(file, "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer\n")).toHaveLength(1)
  })

  it('the renderer may import the core’s message catalogues, and nothing else of the core', async () => {
    const file = 'src-renderer/src/x.ts'
    expect(await messages(file, "import en from '../../src-main/core/messages/en.json'\nexport const a = en\n")).toHaveLength(0)
    expect(await messages(file, "import zh from '../../src-main/core/messages/zh-CN.json'\nexport const a = zh\n")).toHaveLength(0)
    expect(await messages(file, "import { msg } from '../../src-main/core/messages/message'\nexport const a = msg\n")).toHaveLength(1)
    expect(await messages(file, "import x from '../../src-main/core/messages/en.json.js'\nexport const a = x\n")).toHaveLength(1)
    expect(await messages(file, "import { VireoError } from '../../src-main/core/errors'\nexport const a = VireoError\n")).toHaveLength(1)
  })

  it('the web host may not import the Electron door', async () => {
    expect(await messages('src-main/web/x.ts', "import { windowOptions } from '../electron/window-options'\nexport const a = windowOptions\n")).toHaveLength(1)
  })
})
