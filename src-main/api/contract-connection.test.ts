import { describe, expect, it } from 'vitest'
import { eventNames, methods } from './contract'

// Every VM method names its VM by connection and id; callers that name no connection (older
// scripts, the CLI today) reach Vireo's own VMs.
const vmMethods = Object.entries(methods).filter(([, schema]) => 'id' in schema.shape && schema.shape.id !== undefined && !('source' in schema.shape))

describe('VM references in the contract', () => {
  it('defaults every VM method’s connection to local, and keeps one that is named', () => {
    expect(vmMethods.map(([m]) => m)).toHaveLength(22)
    for (const [method, schema] of vmMethods) {
      const given = { id: 'abcd1234', name: 'snap', path: '/x.iso', log: 'serial', changes: {}, size: '8M', index: 0, toConnection: 'qemu:///system' }
      expect(schema.parse(given), method).toMatchObject({ connection: 'local', id: 'abcd1234' })
      expect(schema.parse({ ...given, connection: 'second' }), method).toMatchObject({ connection: 'second' })
    }
    expect(methods.createVm.parse({ name: 'A', source: { kind: 'none' } }).connection).toBe('local')
    expect(methods.hostCheck.parse({}).connection).toBe('local')
    // Without one, listVms lists every connection.
    expect(methods.listVms.parse({})).toEqual({})
  })

  it('refuses a connection id that is empty, has spaces or control characters, or is too long', () => {
    for (const connection of ['', 'a b', 'a\nb', 'x'.repeat(257), 7]) {
      expect(methods.startVm.safeParse({ connection, id: 'abcd1234' }).success, JSON.stringify(connection)).toBe(false)
    }
    expect(methods.startVm.safeParse({ connection: 'qemu+ssh://me@host/system', id: 'abcd1234' }).success).toBe(true)
  })

  it('announces connection changes', () => {
    expect(eventNames).toContain('connectionChanged')
  })
})
