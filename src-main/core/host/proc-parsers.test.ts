import { describe, expect, it } from 'vitest'
import { parseKvmModules, parseMeminfo, parseProcStat, parseQemuVersion, parseVirtFlags } from './proc-parsers'

describe('parseMeminfo', () => {
  it('reads total and available memory in MiB', () => {
    const text = [
      'MemTotal:       24683620 kB',
      'MemFree:        24040352 kB',
      'MemAvailable:   24240744 kB',
      'Buffers:            5224 kB',
      'Cached:           358480 kB',
      'SwapTotal:             0 kB',
    ].join('\n')
    expect(parseMeminfo(text)).toEqual({ totalMiB: 24105, availableMiB: 23672 })
  })

  it('estimates available memory on kernels without MemAvailable', () => {
    const text =
      'MemTotal:  2048000 kB\nMemFree:  1024000 kB\nBuffers:  1000 kB\nCached:  102400 kB\n'
    expect(parseMeminfo(text)).toEqual({ totalMiB: 2000, availableMiB: 1100 })
  })

  it('refuses text that is not /proc/meminfo', () => {
    expect(() => parseMeminfo('hello')).toThrow(/MemTotal/)
  })
})

describe('parseVirtFlags', () => {
  const intel = [
    'processor\t: 0',
    'vendor_id\t: GenuineIntel',
    'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge vmx smx est tm2 ssse3',
    '',
    'processor\t: 1',
    'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge vmx smx est tm2 ssse3',
    'vmx flags\t: vnmi preemption_timer invvpid ept_x_only ept_ad',
  ].join('\n')

  it('finds vmx once on an Intel host with several cores', () => {
    expect(parseVirtFlags(intel)).toEqual(['vmx'])
  })

  it('finds svm on an AMD host', () => {
    expect(parseVirtFlags('flags\t\t: fpu lm svm extapic cr8_legacy abm\n')).toEqual(['svm'])
  })

  it('finds nothing in a guest without nested virtualisation flags', () => {
    const guest = 'flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm cr8_legacy vmmcall avx2\n'
    expect(parseVirtFlags(guest)).toEqual([])
  })
})

describe('parseKvmModules', () => {
  it('lists the kvm modules of /proc/modules', () => {
    const text = [
      'kvm_intel 380928 0 - Live 0x0000000000000000',
      'kvm 1142784 1 kvm_intel, Live 0x0000000000000000',
      'irqbypass 16384 1 kvm, Live 0x0000000000000000',
      'kvmgt 32768 0 - Live 0x0000000000000000',
    ].join('\n')
    expect(parseKvmModules(text)).toEqual(['kvm', 'kvm_intel'])
  })

  it('returns nothing when KVM is not loaded', () => {
    expect(parseKvmModules('ext4 999424 1 - Live 0x0\n')).toEqual([])
    expect(parseKvmModules('')).toEqual([])
  })
})

describe('parseQemuVersion', () => {
  it('reads Debian and Fedora version lines', () => {
    const debian =
      'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n'
    expect(parseQemuVersion(debian)).toBe('7.2.22')
    expect(parseQemuVersion('qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)')).toBe(
      '7.2.22',
    )
    expect(parseQemuVersion('QEMU emulator version 9.1.2 (qemu-9.1.2-3.fc41)')).toBe('9.1.2')
    expect(parseQemuVersion('qemu-img version 8.2.0')).toBe('8.2.0')
  })

  it('returns null for something else', () => {
    expect(parseQemuVersion('bash: qemu-img: command not found')).toBeNull()
  })
})

describe('parseProcStat', () => {
  it('reads the state and the start time after the command name, even one with spaces and parentheses', () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '23']
    expect(parseProcStat(`4242 (qemu (x) 1) ${fields.join(' ')}\n`)).toEqual({
      state: 'S',
      startTime: 987654,
    })
  })

  it('gives no start time for a line cut short', () => {
    expect(parseProcStat('4242 (sleep) Z 1 2')).toEqual({ state: 'Z', startTime: null })
  })
})
