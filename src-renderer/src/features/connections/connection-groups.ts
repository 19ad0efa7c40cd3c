import type { ConnectionInfo, VmSummary } from '../../api/types'

export interface ConnectionGroup {
  /** The connection, or a stand-in for VMs of one no longer listed. */
  connection: ConnectionInfo
  vms: VmSummary[]
}

/**
 * The VM list by connection, in the connections' order (`local` first), each group's VMs in
 * the order given; a connection with no VMs has its group too (its state, its error).
 */
export function groupByConnection(vms: readonly VmSummary[], connections: readonly ConnectionInfo[]): ConnectionGroup[] {
  const groups = connections.map((connection) => ({ connection, vms: [] as VmSummary[] }))
  const byId = new Map(groups.map((g) => [g.connection.id, g]))
  for (const vm of vms) {
    let group = byId.get(vm.connection)
    if (group === undefined) {
      group = {
        connection: { id: vm.connection, kind: 'libvirt', uri: vm.connection, label: vm.connection, state: 'disconnected', error: null },
        vms: [],
      }
      byId.set(vm.connection, group)
      groups.push(group)
    }
    group.vms.push(vm)
  }
  return groups
}
