import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { probeAccelerator } from './accel-probe'
import { multibootImage } from './probe-guest'

// The probe guest under TCG is the proof that the guest itself is right: it must finish, and
// quickly, on any machine. (What KVM does depends on the machine, so no test asserts it.)
const qemuPath = 'qemu-system-x86_64'

describe('probeAccelerator (real QEMU)', () => {
  it('runs the paging probe guest to completion under TCG, well within the default timeout', async () => {
    const result = await probeAccelerator({ qemuPath, accel: 'tcg' })
    expect(result.reason).toMatch(/^a test guest ran in \d+ ms$/)
    expect(result.ok).toBe(true)
    expect(result.elapsedMs).toBeLessThan(4000)
  })

  it('reports a guest that cannot finish in time as not usable, with the reason', async () => {
    const result = await probeAccelerator({ qemuPath, accel: 'tcg', timeoutMs: 1 })
    expect(result.ok).toBe(false)
    expect(result.reason).toBe('a test guest did not finish in 1 ms (nested virtualisation?)')
  })

  it('kills a guest that hangs and reports it as not usable', async () => {
    const hang = multibootImage([0xeb, 0xfe]) // jmp $
    const started = Date.now()
    const result = await probeAccelerator({ qemuPath, accel: 'tcg', timeoutMs: 1500, guest: hang })
    expect(result.ok).toBe(false)
    expect(result.reason).toBe('a test guest did not finish in 1.5 s (nested virtualisation?)')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('reports a guest that gives the wrong answer', async () => {
    const fail = multibootImage([0xb0, 0x11, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd]) // out 0xf4, 0x11
    const result = await probeAccelerator({ qemuPath, accel: 'tcg', guest: fail })
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/wrong values/) })
  })

  it('reports a guest that resets without a word', async () => {
    // Multiboot leaves ESP undefined, so set a stack; load an empty IDT; raise an interrupt.
    // That triple-faults, and with -no-reboot QEMU exits with status 0.
    // prettier-ignore
    const guest = multibootImage([
      0xbc, 0x00, 0x00, 0x09, 0x00, // mov esp, 0x90000
      0x6a, 0x00, //                   push 0
      0x6a, 0x00, //                   push 0
      0x0f, 0x01, 0x1c, 0x24, //       lidt [esp]
      0xcd, 0x03, //                   int 3
    ])
    const result = await probeAccelerator({ qemuPath, accel: 'tcg', guest })
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/crashed or reset/) })
  })

  it('says why when KVM cannot even start', async ({ skip }) => {
    if (existsSync('/dev/kvm')) skip('/dev/kvm exists here: this is the case of a host without it')
    const result = await probeAccelerator({ qemuPath, accel: 'kvm' })
    expect(result.ok).toBe(false)
    expect(result.reason).toMatch(/^QEMU could not run the test guest: .*kvm/i)
  })
})
