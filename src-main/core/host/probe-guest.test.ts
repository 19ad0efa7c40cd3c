import { describe, expect, it } from 'vitest'
import {
  ENTRY_ADDRESS,
  kvmProbeGuest,
  LOAD_ADDRESS,
  multibootImage,
  probeGuestInstructions,
  probeGuestListing,
} from './probe-guest'

describe('the probe guest image', () => {
  const image = kvmProbeGuest()
  const view = new DataView(image.buffer)
  const u32 = (offset: number): number => view.getUint32(offset, true)

  it('starts with a valid multiboot v1 header using the a.out kludge', () => {
    expect(u32(0)).toBe(0x1badb002)
    expect(u32(4)).toBe(0x00010000)
    expect((u32(0) + u32(4) + u32(8)) >>> 0).toBe(0)
    expect(u32(12)).toBe(LOAD_ADDRESS) // header_addr
    expect(u32(16)).toBe(LOAD_ADDRESS) // load_addr
    expect(u32(28)).toBe(ENTRY_ADDRESS)
    expect(ENTRY_ADDRESS - LOAD_ADDRESS).toBe(32)
  })

  it('holds the bytes that were checked under QEMU TCG and with objdump', () => {
    const hex = Buffer.from(image.subarray(32)).toString('hex')
    expect(hex).toBe(
      'fafcbf0000300031c0b900040000f3abbf00003000b883000000b920000000ab0500004000' +
        '25ff00c003e2f3b8000030000f22d80f20e083c8100f22e00f20c00d000000800f22c0eb00' +
        'bf0000400089bf0000000481c70010000081ff0000400272ecbe000040003936752281c600' +
        '10000081fe0000400272ee66baf803b04feeb04beeb00aeeb010e6f4f4ebfdb011e6f4ebf7',
    )
  })

  it('has every short jump land on the instruction its label names', () => {
    const starts = new Map<string, number>()
    let address = ENTRY_ADDRESS
    const placed = probeGuestInstructions.map(([bytes, asm]) => {
      const label = /^(\w+):/.exec(asm)?.[1]
      if (label !== undefined) starts.set(label, address)
      const at = address
      address += bytes.length
      return { at, bytes, asm }
    })
    let jumps = 0
    for (const { at, bytes, asm } of placed) {
      const m = /^(?:\w+: )?(jb|jne|jmp|loop) (\w+)$/.exec(asm.split('  ;')[0] ?? '')
      if (m === null) continue
      jumps++
      const target = starts.get(m[2] ?? '')
      expect(target, asm).toBeDefined()
      const rel8 = ((bytes[1] ?? 0) << 24) >> 24
      expect(at + bytes.length + rel8, asm).toBe(target)
    }
    expect(jumps).toBe(6)
  })

  it('prints a listing with one line per instruction', () => {
    const listing = probeGuestListing().split('\n')
    expect(listing).toHaveLength(probeGuestInstructions.length)
    expect(listing[0]).toMatch(/^00100020 {2}fa +cli$/)
  })

  it('builds other multiboot images around given code', () => {
    const loop = multibootImage([0xeb, 0xfe])
    expect(loop).toHaveLength(34)
    expect(Array.from(loop.subarray(32))).toEqual([0xeb, 0xfe])
  })
})
