const safe = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One argument, quoted for a POSIX shell only where it needs to be. */
export function shellQuote(arg: string): string {
  if (arg !== '' && safe.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** A command line a person can read and paste into a shell: one option per line. */
export function formatCommandLine(argv: readonly string[]): string {
  const lines: string[] = []
  for (const arg of argv) {
    const quoted = shellQuote(arg)
    const last = lines.length - 1
    if (last < 0 || arg.startsWith('-')) lines.push(quoted)
    else lines[last] = `${lines[last] ?? ''} ${quoted}`
  }
  return lines.join(' \\\n  ')
}
