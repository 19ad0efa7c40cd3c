import { parse, usage } from './args'

/**
 * The `vireo` command. Each command's code is loaded only when it runs (a dynamic import, a
 * chunk of its own in the build), so `--help` and `completion` load none of the core, and no
 * command loads what another one needs.
 */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv)
  const [command, ...rest] = positionals
  if (values.help || command === undefined || command === 'help') {
    console.log(usage)
    return command === undefined && !values.help ? 2 : 0
  }
  switch (command) {
    case 'web':
      return (await import('./web-command')).runWeb(values)
    case 'service':
      return (await import('./service-command')).runService(rest, values)
    case 'completion':
      return (await import('./completion')).runCompletion(rest)
    case 'delete':
      return (await import('./delete-command')).runDelete(rest, values)
    case 'connections':
      return (await import('./connections-command')).runConnections(rest, values)
    case 'snapshot':
      return (await import('./snapshot-command')).runSnapshot(rest, values)
    case 'set':
      return (await import('./hardware-command')).runSet(rest, values)
    case 'disk':
      return (await import('./hardware-command')).runDisk(rest, values)
    case 'settings':
      return (await import('./settings-command')).runSettings(rest, values)
    default:
      return (await import('./vm-commands')).runVmCommand(command, rest, values)
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  // Loaded only on an error: `--help` does not pay for the core's messages.
  async (error: unknown) => (process.exitCode = await (await import('./report')).report(error)),
)
