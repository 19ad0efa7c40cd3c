import { execa } from 'execa'

/** One word for a POSIX shell, in single quotes: nothing in it is expanded. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/**
 * Test support (not shipped): runs a program on a pseudo-terminal, as a person at a terminal
 * would, through script(1), which wants one command line: each word is quoted with shellWord,
 * so none is ever interpreted. `input` is typed into the terminal. The result's stdout is all
 * the terminal showed (stdout and stderr, with `\r`s and the echoed input).
 */
export function onTerminal(
  argv: readonly string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
) {
  return execa(
    'script',
    ['--quiet', '--return', '--command', argv.map(shellWord).join(' '), '/dev/null'],
    {
      ...(options.env === undefined ? {} : { env: options.env }),
      input: options.input ?? '',
      reject: false,
      timeout: options.timeoutMs ?? 60_000,
    },
  )
}
