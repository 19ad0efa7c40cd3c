import { describe, expect, it } from 'vitest'
import { cliOptions, usage } from './args'
import { grammar, optionValues } from './completion-grammar'
import { bashScript, zshScript } from './completion'

describe('completion grammar', () => {
  const offered = new Set(Object.values(grammar).flatMap((g) => g.options))
  const known = Object.keys(cliOptions).map((name) => `--${name}`)

  // --token is known only to be refused with what to do instead (web-token.ts): never offered.
  const unoffered = ['--help', '--token']

  it('offers only options the parser knows, and every one it knows but --help and --token', () => {
    expect(offered).not.toContain('--token')
    for (const option of offered) expect(known).toContain(option)
    for (const option of known.filter((o) => !unoffered.includes(o)))
      expect([...offered]).toContain(option)
    for (const option of Object.keys(optionValues)) expect(known).toContain(option)
  })

  it('completes every command of the usage text', () => {
    const commands = [...usage.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1] ?? '')
    expect(commands.length).toBeGreaterThan(10)
    for (const command of commands) expect(Object.keys(grammar)).toContain(command)
  })

  it('registers the function for `vireo` in both shells', () => {
    expect(bashScript()).toMatch(/^complete -F _vireo vireo$/m)
    expect(zshScript()).toMatch(/^#compdef vireo$/m)
  })
})
