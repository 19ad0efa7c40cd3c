import { describe, expect, it } from 'vitest'
import { VireoError, msg } from '../errors'
import { progressParser } from './image-convert'
import { parseInfoJson } from './image-info'
import { imageCommandError, isLockFailure } from './qemu-img-errors'

describe('progressParser', () => {
  it('reports each percentage of `qemu-img convert -p`, however the output is split', () => {
    const seen: number[] = []
    const feed = progressParser((p) => seen.push(p))
    const output =
      '    (0.00/100%)\r    (12.52/100%)\r    (25.02/100%)\r    (25.02/100%)\r    (100.00/100%)\r\n'
    // Split into awkward pieces, as a pipe may deliver them.
    for (let i = 0; i < output.length; i += 7) feed(output.slice(i, i + 7))
    expect(seen).toEqual([0, 12.52, 25.02, 100])
  })

  it('ignores other output', () => {
    const seen: number[] = []
    const feed = progressParser((p) => seen.push(p))
    feed('qemu-img: warning: something\n(abc/100%)')
    expect(seen).toEqual([])
  })
})

describe('parseInfoJson', () => {
  it('reads a single image and a backing chain', () => {
    const chain = JSON.stringify([
      {
        'backing-filename-format': 'raw',
        'virtual-size': 1536,
        filename: 'evil.qcow2',
        'cluster-size': 65536,
        format: 'qcow2',
        'actual-size': 200704,
        'format-specific': { type: 'qcow2', data: { compat: '1.1', corrupt: false } },
        'full-backing-filename': '/etc/passwd',
        'backing-filename': '/etc/passwd',
        'dirty-flag': false,
      },
      {
        'virtual-size': 1536,
        filename: '/etc/passwd',
        format: 'raw',
        'actual-size': 4096,
        'dirty-flag': false,
      },
    ])
    const entries = parseInfoJson(chain)
    expect(entries).toHaveLength(2)
    expect(entries[0]?.['full-backing-filename']).toBe('/etc/passwd')
    expect(
      parseInfoJson(JSON.stringify({ filename: 'a', format: 'raw', 'virtual-size': 1 })),
    ).toHaveLength(1)
  })

  it('refuses output that is not what qemu-img info writes', () => {
    expect(() => parseInfoJson('qemu-img: oops')).toThrow(VireoError)
    expect(() => parseInfoJson('{"filename": 3}')).toThrow(/unexpected form/)
  })
})

describe('qemu-img errors', () => {
  const failed = (stderrTail: string[]): VireoError =>
    new VireoError('COMMAND_FAILED', msg('error.exec.failed', { program: 'qemu-img', reason: '…' }), undefined, {
      command: ['qemu-img'],
      commandLine: 'qemu-img',
      exitCode: 1,
      signal: null,
      stderrTail,
    })

  it('recognises both of QEMU 7.2’s lock messages', () => {
    expect(
      isLockFailure(
        failed(['qemu-img: Could not open \'a.qcow2\': Failed to get shared "write" lock']),
      ),
    ).toBe(true)
    expect(
      isLockFailure(failed(['qemu-img: Could not open \'a.qcow2\': Failed to get "write" lock'])),
    ).toBe(true)
    expect(isLockFailure(failed(['qemu-img: something else']))).toBe(false)
  })

  it('turns a full disk into NO_SPACE', () => {
    const e = imageCommandError(
      failed(['qemu-img: /x.qcow2: Could not write refcount table: No space left on device']),
      '/x.qcow2',
    )
    expect(e).toMatchObject({ code: 'NO_SPACE', message: 'The disk holding /x.qcow2 is full.' })
  })
})
