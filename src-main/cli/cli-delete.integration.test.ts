import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliHome, vireoBin } from './testing/cli-home'
import { onTerminal } from './testing/terminal'

// `vireo delete` and the snapshot commands that discard state, with and without a terminal:
// the built CLI, a throwaway VIREO_HOME, real qemu-img.
const { home, env, vireo, json } = cliHome('vireo-cli-delete-')
afterAll(() => rmSync(home, { recursive: true, force: true }))

const typed = (input: string, ...args: string[]) =>
  onTerminal([process.execPath, vireoBin, ...args], { env, input })

async function smallVm(name: string): Promise<{ id: string; disk: string }> {
  const vm = await json<{ id: string; dir: string }>('create', '--name', name, '--disk-size', '16M')
  return { id: vm.id, disk: join(vm.dir, 'disk0.qcow2') }
}

const names = async () => (await json<{ name: string }[]>('list')).map((vm) => vm.name)

describe('vireo delete', () => {
  it('keeps the disks by default, moved out of the list, and says where they are', async () => {
    const vm = await smallVm('keeper')
    const r = await vireo('delete', 'keeper')
    expect(r.exitCode, r.stderr).toBe(0)
    const kept = join(home, 'kept-disks', vm.id, 'disk0.qcow2')
    expect(r.stdout).toContain(`Kept its disks:\n  ${kept}`)
    expect(existsSync(kept)).toBe(true)
    expect(existsSync(vm.disk)).toBe(false)
    expect(await names()).not.toContain('keeper')
  })

  it('without a terminal, refuses --delete-disks unless --yes, and deletes nothing', async () => {
    const vm = await smallVm('scripted')
    const r = await vireo('delete', 'scripted', '--delete-disks')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(
      /not a terminal.*Add --yes to delete them, or leave out --delete-disks/,
    )
    expect(existsSync(vm.disk)).toBe(true)
    expect(await names()).toContain('scripted')

    const yes = await json<{ keptDisks: string[]; removedDisks: string[] }>(
      'delete',
      'scripted',
      '--delete-disks',
      '--yes',
    )
    expect(yes).toMatchObject({ keptDisks: [], removedDisks: [vm.disk] })
    expect(existsSync(vm.disk)).toBe(false)
    expect(existsSync(join(home, 'kept-disks', vm.id))).toBe(false)
  })

  it('on a terminal, lists the disks and asks; no keeps everything, yes removes them', async () => {
    const vm = await smallVm('asked')
    const no = await typed('n\n', 'delete', 'asked', '--delete-disks')
    expect(no.exitCode).toBe(1)
    expect(no.stdout).toContain(`“asked” is to be deleted with its disks:\r\n  ${vm.disk}`)
    expect(no.stdout).toMatch(/Delete them for good\? \[y\/N\]/)
    expect(no.stdout).toContain('Nothing deleted.')
    expect(existsSync(vm.disk)).toBe(true)
    expect(await names()).toContain('asked')

    const yes = await typed('y\n', 'delete', 'asked', '--delete-disks')
    expect(yes.exitCode, yes.stdout).toBe(0)
    expect(yes.stdout).toContain(`Removed:\r\n  ${vm.disk}`)
    expect(existsSync(vm.disk)).toBe(false)
  })

  it('on a terminal, --yes deletes the disks without a question', async () => {
    const vm = await smallVm('sure')
    const r = await typed('', 'delete', 'sure', '--delete-disks', '--yes')
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.stdout).not.toMatch(/\[y\/N\]/)
    expect(existsSync(vm.disk)).toBe(false)
  })

  it('a broken definition’s folder is kept unless asked for too', async () => {
    const a = await smallVm('broken one')
    const b = await smallVm('broken two')
    for (const vm of [a, b]) writeFileSync(join(home, 'vms', vm.id, 'vm.json'), '{ not json')
    const kept = await vireo('delete', a.id)
    expect(kept.exitCode, kept.stderr).toBe(0)
    expect(kept.stdout).toContain('Kept the files of its folder')
    expect(existsSync(join(home, 'kept-disks', a.id, 'disk0.qcow2'))).toBe(true)

    const refused = await vireo('delete', b.id, '--delete-disks')
    expect(refused.exitCode).toBe(1)
    const asked = await typed('y\n', 'delete', b.id, '--delete-disks')
    expect(asked.stdout).toContain(
      `is to be deleted with its folder ${join(home, 'vms', b.id)} and everything in it:`,
    )
    expect(asked.exitCode, asked.stdout).toBe(0)
    expect(existsSync(join(home, 'vms', b.id))).toBe(false)
    expect(existsSync(join(home, 'kept-disks', b.id))).toBe(false)
  })
})

describe('vireo snapshot revert and delete', () => {
  const snapshots = async (vm: string) =>
    (await json<{ name: string }[]>('snapshot', 'list', vm)).map((s) => s.name)

  it('ask on a terminal (no changes nothing, --yes skips the question), and go ahead without one', async () => {
    await smallVm('snappy')
    expect((await vireo('snapshot', 'take', 'snappy', 'one')).exitCode).toBe(0)

    const no = await typed('n\n', 'snapshot', 'revert', 'snappy', 'one')
    expect(no.exitCode).toBe(1)
    expect(no.stdout).toMatch(
      /Go back to snapshot “one”\? What “snappy” holds now .* is lost\. \[y\/N\]/,
    )
    expect(no.stdout).toContain('Nothing changed.')
    const yes = await typed('yes\n', 'snapshot', 'revert', 'snappy', 'one')
    expect(yes.exitCode, yes.stdout).toBe(0)

    const keep = await typed('\n', 'snapshot', 'delete', 'snappy', 'one')
    expect(keep.exitCode).toBe(1)
    expect(keep.stdout).toMatch(
      /Delete snapshot “one” of “snappy”\? It cannot be brought back\. \[y\/N\]/,
    )
    expect(await snapshots('snappy')).toEqual(['one'])
    const skip = await typed('', 'snapshot', 'delete', 'snappy', 'one', '--yes')
    expect(skip.exitCode, skip.stdout).toBe(0)
    expect(skip.stdout).not.toMatch(/\[y\/N\]/)
    expect(await snapshots('snappy')).toEqual([])

    // A script: no question, so nothing waits on one (stdin stays open here).
    expect((await vireo('snapshot', 'take', 'snappy', 'two')).exitCode).toBe(0)
    expect((await vireo('snapshot', 'revert', 'snappy', 'two')).exitCode).toBe(0)
    expect((await vireo('snapshot', 'delete', 'snappy', 'two')).exitCode).toBe(0)
    expect(await snapshots('snappy')).toEqual([])
  })
})
