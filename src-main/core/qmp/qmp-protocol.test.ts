import { describe, expect, it } from 'vitest'
import { LineSplitter, formatQmpCommand, parseQmpLine } from './qmp-protocol'

describe('LineSplitter', () => {
  it('joins a message split across chunks', () => {
    const s = new LineSplitter()
    expect(s.push('{"return": ')).toEqual([])
    expect(s.push('{}, "id"')).toEqual([])
    expect(s.push(': 1}\r\n')).toEqual(['{"return": {}, "id": 1}'])
  })

  it('returns every message of a chunk that holds several, and keeps the partial tail', () => {
    const s = new LineSplitter()
    expect(s.push('{"a": 1}\r\n{"b": 2}\r\n{"c"')).toEqual(['{"a": 1}', '{"b": 2}'])
    expect(s.push(': 3}\r\n')).toEqual(['{"c": 3}'])
  })

  it('skips blank lines', () => {
    expect(new LineSplitter().push('\r\n\n{"a": 1}\n\r\n')).toEqual(['{"a": 1}'])
  })

  it('refuses a line that never ends', () => {
    const s = new LineSplitter(10)
    expect(() => s.push('x'.repeat(11))).toThrow(/longer than 10/)
  })
})

describe('parseQmpLine', () => {
  it('reads the greeting with version and capabilities', () => {
    const line =
      '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2"}, "capabilities": ["oob"]}}'
    expect(parseQmpLine(line)).toEqual({
      kind: 'greeting',
      version: { major: 7, minor: 2, micro: 22, package: 'Debian 1:7.2' },
      capabilities: ['oob'],
    })
  })

  it('reads returns and errors with their ids', () => {
    expect(parseQmpLine('{"return": {"status": "running"}, "id": 3}')).toEqual({
      kind: 'return',
      id: 3,
      value: { status: 'running' },
    })
    expect(
      parseQmpLine(
        '{"id": 4, "error": {"class": "CommandNotFound", "desc": "The command x has not been found"}}',
      ),
    ).toEqual({
      kind: 'error',
      id: 4,
      errorClass: 'CommandNotFound',
      desc: 'The command x has not been found',
    })
  })

  it('reads events, with or without data', () => {
    expect(
      parseQmpLine('{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}'),
    ).toEqual({
      kind: 'event',
      event: 'STOP',
      data: {},
      timestamp: { seconds: 1, microseconds: 2 },
    })
    expect(
      parseQmpLine(
        '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}',
      ),
    ).toMatchObject({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' } })
  })

  it('rejects what is not QMP', () => {
    for (const line of [
      'not json',
      '[]',
      'null',
      '42',
      '{"foo": 1}',
      '{"error": "x"}',
      '{"event": 5}',
    ]) {
      expect(parseQmpLine(line)).toBeNull()
    }
  })
})

describe('formatQmpCommand', () => {
  it('writes one line with the id, and arguments only when given', () => {
    expect(formatQmpCommand('query-status', undefined, 1)).toBe(
      '{"execute":"query-status","id":1}\n',
    )
    expect(formatQmpCommand('system_powerdown', {}, 2)).toBe(
      '{"execute":"system_powerdown","arguments":{},"id":2}\n',
    )
  })
})
