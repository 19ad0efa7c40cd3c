import { describe, expect, it } from 'vitest'
import type { ConnectionInfo, VmSummary } from '../../api/types'
import { groupByConnection } from './connection-groups'

const conn = (id: string): ConnectionInfo => ({ id, kind: id === 'local' ? 'local' : 'libvirt', uri: id, label: id, state: 'connected', error: null })
const vm = (connection: string, id: string) => ({ connection, id, name: id }) as VmSummary

describe('groupByConnection', () => {
  it('keeps the connections’ order, local first, empty ones included, VMs in the order given', () => {
    const groups = groupByConnection([vm('qemu:///system', 'b'), vm('local', 'a'), vm('qemu:///system', 'c')], [conn('local'), conn('qemu:///system'), conn('qemu:///session')])
    expect(groups.map((g) => [g.connection.id, g.vms.map((v) => v.id)])).toEqual([
      ['local', ['a']],
      ['qemu:///system', ['b', 'c']],
      ['qemu:///session', []],
    ])
  })

  it('puts VMs of a connection no longer listed last, under it', () => {
    const groups = groupByConnection([vm('qemu+ssh://gone/system', 'x')], [conn('local')])
    expect(groups.map((g) => [g.connection.id, g.connection.state, g.vms.length])).toEqual([
      ['local', 'connected', 0],
      ['qemu+ssh://gone/system', 'disconnected', 1],
    ])
  })
})
