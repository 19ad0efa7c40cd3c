import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliHome, vireoBin } from './testing/cli-home'

// The scripts `vireo completion bash|zsh` prints, loaded into a real bash and zsh and asked
// what they complete, with `vireo` on PATH and real VMs in a throwaway VIREO_HOME.
const { home, env, json } = cliHome('vireo-completion-')
const bin = join(home, 'bin')
const cwd = join(home, 'cwd')
const shellEnv = { ...env, PATH: `${bin}:${process.env.PATH ?? ''}` }
// A name a careless completion would run as a command.
const hostile = '$(touch pwned)'

beforeAll(async () => {
  mkdirSync(bin)
  mkdirSync(cwd)
  symlinkSync(vireoBin, join(bin, 'vireo'))
  writeFileSync(join(cwd, 'installer.iso'), '')
  for (const name of ['web one', 'web-two', hostile])
    await json('create', `--name=${name}`, '--disk-size', '16M')
})
afterAll(() => rmSync(home, { recursive: true, force: true }))

// The words typed so far (the last one is being completed) go in as arguments, never into
// the script's text.
const bashProgram = `source <(vireo completion bash) || exit 9
complete -p vireo
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
_vireo
printf '%s\\n' "\${COMPREPLY[@]}"`

async function bash(...words: string[]): Promise<string[]> {
  const r = await execa('bash', ['-c', bashProgram, 'bash', ...words], {
    cwd,
    env: shellEnv,
    reject: false,
  })
  expect(r.exitCode, r.stderr).toBe(0)
  const [registered, ...lines] = r.stdout.split('\n')
  expect(registered).toBe('complete -F _vireo vireo')
  return lines.filter((l) => l !== '')
}

describe('bash completion', () => {
  it('completes commands, a command’s options and option values', async () => {
    expect(await bash('vireo', 'st')).toEqual(['start', 'stop'])
    expect(await bash('vireo', 'delete', 'x', '--d')).toEqual(['--delete-disks'])
    expect(await bash('vireo', 'create', '--firmware', 'u')).toEqual(['uefi'])
    expect(await bash('vireo', 'snapshot', 're')).toEqual(['revert'])
    expect(await bash('vireo', 'completion', '')).toEqual(['bash', 'zsh'])
  })

  it('completes VM names from the list, quoted for the shell and never run', async () => {
    expect((await bash('vireo', 'info', 'web')).sort()).toEqual(['web\\ one', 'web-two'].sort())
    expect((await bash('vireo', 'snapshot', 'revert', '')).sort()).toEqual(
      ['\\$\\(touch\\ pwned\\)', 'web\\ one', 'web-two'].sort(),
    )
    expect(await bash('vireo', 'delete', '--yes', 'web-')).toEqual(['web-two'])
    expect(readdirSync(cwd)).toEqual(['installer.iso'])
  })

  it('completes files where a command wants one', async () => {
    expect(await bash('vireo', 'insert', 'web-two', 'inst')).toEqual(['installer.iso'])
    expect(await bash('vireo', 'create', '--name', 'x', '--iso', 'inst')).toEqual(['installer.iso'])
  })
})

// zsh's completion system needs a terminal; here its builtins are stand-ins that print what
// they are given, and _vireo runs against `words` and CURRENT as compsys would set them.
const zshProgram = `compdef() { print -r -- "compdef $*" }
compadd() { if [[ $1 == -a ]]; then print -rl -- "\${(@P)2}"; else [[ $1 == -- ]] && shift; print -rl -- "$@"; fi }
_files() { print -r -- '<files>' }
source <(vireo completion zsh) || exit 9
words=("$@"); CURRENT=$#
_vireo`

async function zsh(...words: string[]): Promise<string[]> {
  const r = await execa('zsh', ['-f', '-c', zshProgram, 'zsh', ...words], {
    cwd,
    env: shellEnv,
    reject: false,
  })
  expect(r.exitCode, r.stderr).toBe(0)
  const [registered, ...lines] = r.stdout.split('\n')
  expect(registered).toBe('compdef _vireo vireo')
  return lines.filter((l) => l !== '')
}

describe.skipIf(!existsSync('/usr/bin/zsh') && !existsSync('/bin/zsh'))('zsh completion', () => {
  it('offers commands, options, values, files and VM names (compadd quotes them)', async () => {
    expect(await zsh('vireo', 'st')).toContain('stop')
    expect(await zsh('vireo', 'delete', 'x', '--')).toEqual([
      '--delete-disks',
      '--keep-disks',
      '--yes',
      '--json',
      '--connect',
    ])
    expect(await zsh('vireo', 'create', '--accel', '')).toEqual(['auto', 'kvm', 'tcg'])
    expect(await zsh('vireo', 'insert', 'web-two', '')).toEqual(['<files>'])
    expect((await zsh('vireo', 'info', '')).sort()).toEqual([hostile, 'web one', 'web-two'])
    expect(readdirSync(cwd)).toEqual(['installer.iso'])
  })
})
