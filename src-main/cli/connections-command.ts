import type { ConnectionInfo } from '../api/types'
import type { CliValues } from './args'
import { withSession } from './session'

/** `vireo connections list | add URI | remove URI`: the saved libvirt connections. */
export function runConnections(rest: string[], values: CliValues): Promise<number> {
  const [sub, uri] = rest
  return withSession(values, async ({ call, vireo, out }) => {
    switch (sub) {
      case 'list':
      case undefined: {
        await vireo.openSaved()
        // Each saved connection is tried, so the list says which answer and why others do not.
        const infos = await call('listConnections', {})
        await Promise.all(infos.map((c) => (c.kind === 'libvirt' ? call('listVms', { connection: c.id }).catch(() => null) : null)))
        const now = await call('listConnections', {})
        out(now, now.map(formatConnection).join('\n'))
        return now.every((c) => c.state === 'connected') ? 0 : 1
      }
      case 'add': {
        if (uri === undefined) throw new Error('vireo connections add needs a libvirt URI, such as qemu:///system or qemu+ssh://user@host/system.')
        const info = await call('addConnection', { uri })
        out(info, `Added ${formatConnection(info)}`)
        return info.state === 'connected' ? 0 : 1
      }
      case 'remove': {
        if (uri === undefined) throw new Error('vireo connections remove needs the URI of a connection (see vireo connections list).')
        const left = await call('removeConnection', { uri })
        out(left, `Removed ${uri}.`)
        return 0
      }
      default:
        throw new Error(`Unknown subcommand “${sub}”: use vireo connections list, add URI or remove URI.`)
    }
  })
}

function formatConnection(c: ConnectionInfo): string {
  const why = c.error === null ? '' : `: ${c.error.message}${c.error.hint === undefined ? '' : ` ${c.error.hint}`}`
  return `${c.id}  ${c.state}${why}`
}
