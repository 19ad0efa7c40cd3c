import { describe, expect, it } from 'vitest'
import { msg, VireoError } from '../errors'
import { pngInk } from '../testing/png'
import { idOfUuid, parseDomstats, parseEventLine, parseUuidNames, uuidOfId, vireoState } from './domain-state'
import { ppmToPng } from './ppm-png'
import { explainVirshFailure, parseLibvirtUri, uriNamesProgram } from './virsh'
import { shellQuote, sshArgv } from './libvirt-console'

const failed = (...stderrTail: string[]) =>
  new VireoError('COMMAND_FAILED', msg('error.verbatim', { text: 'virsh failed' }), undefined, { command: ['virsh'], stderrTail })

describe('virsh output', () => {
  it('reads list --uuid --name and domstats, names with spaces', () => {
    expect(parseUuidNames('5b0e5a4e-8f3c-4b8e-9d4f-2f1c0a9e7d11 Fedora 40\n\n')).toEqual([{ uuid: '5b0e5a4e-8f3c-4b8e-9d4f-2f1c0a9e7d11', name: 'Fedora 40' }])
    const stats = parseDomstats("Domain: 'Fedora 40'\n  state.state=5\n  state.reason=2\n  balloon.maximum=98304\n  vcpu.maximum=2\n")
    expect(stats.get('Fedora 40')).toEqual({ state: 5, reason: 2, memoryKiB: 98304, cpus: 2 })
  })

  it('maps libvirt states to Vireo’s', () => {
    expect(vireoState(1, 1, 'T').state).toBe('running')
    expect(vireoState(3, 5, 'T')).toEqual({ state: 'paused', lastStop: null, pause: { reason: 'io-error' } })
    expect(vireoState(5, 2, 'T').lastStop).toEqual({ reason: 'forced', at: 'T' })
    expect(vireoState(5, 0, 'T')).toEqual({ state: 'stopped', lastStop: null, pause: null })
    expect(vireoState(4, 1, 'T').state).toBe('shutting-down')
  })

  it('turns a UUID into a VM id and back', () => {
    const uuid = '5b0e5a4e-8f3c-4b8e-9d4f-2f1c0a9e7d11'
    expect(uuidOfId(idOfUuid(uuid))).toBe(uuid)
    expect(uuidOfId('a1b2c3d4')).toBeNull()
  })

  it('reads event lines', () => {
    expect(parseEventLine("2026-12-02 06:29:34.581+0000: event 'lifecycle' for domain 'Fedora 40': Stopped Destroyed")).toEqual({ kind: 'lifecycle', domain: 'Fedora 40', detail: 'Stopped Destroyed' })
    expect(parseEventLine('events received: 3')).toBeNull()
  })
})

describe('libvirt URIs', () => {
  it('reads qemu+ssh parts for the console tunnel', () => {
    const uri = parseLibvirtUri('qemu+ssh://root@127.0.0.1:2222/system?keyfile=/k/id&known_hosts=/k/kh')
    expect(uri.ssh).toEqual({ user: 'root', host: '127.0.0.1', port: 2222, keyfile: '/k/id', knownHosts: '/k/kh', command: null })
    expect(sshArgv(uri.ssh!)).toEqual(expect.arrayContaining(['StrictHostKeyChecking=yes', 'BatchMode=yes', '-p', '2222', '-l', 'root', '-i', '/k/id', 'UserKnownHostsFile=/k/kh']))
    expect(parseLibvirtUri('qemu:///system').ssh).toBeNull()
  })

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseLibvirtUri('qemu+tcp://host/system')).toThrow(/transport “tcp” is not supported/)
    expect(() => parseLibvirtUri('qemu://host/system')).toThrow(/needs \+ssh/)
    expect(() => parseLibvirtUri('qemu+ssh://-oProxyCommand=x/system')).toThrow(/cannot start with “-”/)
    expect(() => parseLibvirtUri('not a uri')).toThrow(/not a libvirt URI/)
  })

  it('knows a URI that names a program to run', () => {
    expect(uriNamesProgram('qemu+ssh://h/system?keyfile=/k&command=/tmp/evil')).toBe(true)
    expect(uriNamesProgram('qemu+ssh://h/system?keyfile=/k')).toBe(false)
    expect(uriNamesProgram('qemu:///system')).toBe(false)
  })

  it('quotes a socket path for the remote shell', () => {
    expect(shellQuote("/var/lib/domain-2-it's/vnc.sock")).toBe("'/var/lib/domain-2-it'\\''s/vnc.sock'")
  })
})

describe('virsh failures in words', () => {
  const ssh = 'qemu+ssh://root@example.invalid/system'
  const cases: [string, string[], RegExp][] = [
    [ssh, ['Host key verification failed.', 'error: failed to connect to the hypervisor'], /host key of root@example.invalid is not known/],
    [ssh, ['root@h: Permission denied (publickey).'], /refused your SSH key/],
    [ssh, ['ssh: Could not resolve hostname example.invalid: Name or service not known'], /cannot be reached: Could not resolve hostname/],
    ['qemu:///system', ["error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"], /libvirt is not running at qemu:\/\/\/system/],
    ['qemu:///system', ['error: End of file while reading data: Input/output error'], /was lost during the call/],
    ['qemu:///system', ["error: failed to get domain 'x'"], /no longer defined/],
    ['qemu:///system', ['error: Requested operation is not valid: domain is not running'], /not running/],
  ]
  it.each(cases)('%s: %s', (uri, stderr, words) => {
    expect((explainVirshFailure(uri, failed(...stderr)) as Error).message).toMatch(words)
  })
})

describe('ppmToPng', () => {
  it('makes a PNG of a P6 PPM, pixels kept', () => {
    const pixels = Buffer.alloc(4 * 2 * 3)
    pixels.set([255, 0, 0], 3) // one red pixel among black ones
    const { png, width, height } = ppmToPng(Buffer.concat([Buffer.from('P6\n# by QEMU\n4 2\n255\n'), pixels]))
    expect([width, height]).toEqual([4, 2])
    expect(pngInk(png)).toEqual({ width: 4, height: 2, inkRatio: 1 / 8 })
  })

  it('refuses what is not a full P6 PPM', () => {
    expect(() => ppmToPng(Buffer.from('P3\n1 1\n255\n0 0 0\n'))).toThrow(/not a binary PPM/)
    expect(() => ppmToPng(Buffer.from('P6\n4 4\n255\n\0\0\0'))).toThrow(/cut short/)
  })
})
