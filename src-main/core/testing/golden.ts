/**
 * Golden files for tests (qemu-args' argv, the libvirt XML to come): the output of a pure
 * function compared with a file kept in the repo, so a change shows up in review as a diff.
 * A golden file is written only under UPDATE_GOLDEN=1; a missing one fails, saying how to
 * create it, so a new case (or a deleted file) cannot pass by comparing the output with itself.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { expect } from 'vitest'

export function expectGolden(actual: string, file: string, env = process.env): void {
  if (env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual)
    return
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${relative(process.cwd(), file)} is missing: check the output is right, then create it with UPDATE_GOLDEN=1 npx vitest run --project unit ${relative(process.cwd(), expect.getState().testPath ?? file)}`,
    )
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}
