import { describe, expect, it } from 'vitest'
import { vmConfigSchema } from '../core/vms/config'
import { methods } from './contract'
import { createDispatcher } from './dispatch'
import type { ApiHandlers } from './contract'

describe('the contract refuses port forwards that cannot all work', () => {
  const rule = (hostPort: number, guestPort: number, protocol: 'tcp' | 'udp' = 'tcp') => ({
    protocol,
    hostPort,
    guestPort,
  })

  it('refuses one host port forwarded twice (same protocol), naming it and where', () => {
    const parsed = methods.updateVm.safeParse({
      id: 'abcd1234',
      changes: { portForwards: [rule(2222, 22), rule(8080, 80), rule(2222, 2222)] },
    })
    expect(parsed.success).toBe(false)
    const issue = parsed.error?.issues[0]
    expect(issue?.path).toEqual(['changes', 'portForwards', 2, 'hostPort'])
    expect(issue?.message).toMatch(/^Host port 2222 \(TCP\) is forwarded twice/)
    expect(
      methods.createVm.safeParse({
        name: 'web',
        source: { kind: 'none' },
        portForwards: [rule(53, 53, 'udp'), rule(53, 5353, 'udp')],
      }).success,
    ).toBe(false)
  })

  it('takes the same port number over TCP and UDP, and distinct ports', () => {
    const parsed = methods.createVm.safeParse({
      name: 'dns',
      source: { kind: 'none' },
      portForwards: [rule(53, 53, 'tcp'), rule(53, 53, 'udp'), rule(2222, 22)],
    })
    expect(parsed.success).toBe(true)
  })
})

describe('names with text-direction controls (they spoof the list: “\\u202Eevil” shows as “live”)', () => {
  const controls = [
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u200e',
    '\u200f',
    '\u061c',
  ]
  const doors = {
    createVm: (name: string) => ({ name, source: { kind: 'none' } }),
    previewVm: (name: string) => ({ name, source: { kind: 'none' } }),
    updateVm: (name: string) => ({ id: 'abcd1234', changes: { name } }),
    cloneVm: (name: string) => ({ id: 'abcd1234', name }),
  } as const
  const fields = { createVm: 'name', previewVm: 'name', updateVm: 'changes.name', cloneVm: 'name' }

  it('are refused at create, rename and clone, as control characters are, with the field named', async () => {
    const dispatch = createDispatcher({} as ApiHandlers)
    for (const [method, params] of Object.entries(doors) as [
      keyof typeof doors,
      (n: string) => object,
    ][]) {
      for (const c of controls) {
        const reply = await dispatch(method, params(`my vm${c}1`))
        expect(reply, `${method} U+${c.codePointAt(0)?.toString(16)}`).toMatchObject({
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: expect.stringMatching(
              new RegExp(
                `^${fields[method]}: A name cannot contain text-direction control characters`,
              ),
            ),
            details: { field: fields[method] },
          },
        })
      }
      const control = await dispatch(method, params('a\u0007b'))
      expect(control).toMatchObject({
        ok: false,
        error: { message: `${fields[method]}: A name cannot contain control characters.` },
      })
    }
  })

  it('take names in right-to-left scripts and with combining marks, which are not controls', () => {
    for (const name of ['שלום', 'مرحبا بالعالم', 'evil\u0301', 'a\u200db']) {
      expect(methods.createVm.safeParse(doors.createVm(name)).success, name).toBe(true)
      expect(methods.updateVm.safeParse(doors.updateVm(name)).success, name).toBe(true)
      expect(methods.cloneVm.safeParse(doors.cloneVm(name)).success, name).toBe(true)
    }
  })

  it('are refused in a VM definition read from disk, as any other invalid name is', () => {
    const config = {
      version: 1,
      id: 'abcd1234',
      name: '\u202eevil',
      memoryMiB: 256,
      cpus: 1,
      disks: [],
      createdAt: 'now',
    }
    expect(vmConfigSchema.safeParse(config).success).toBe(false)
    expect(vmConfigSchema.safeParse({ ...config, name: 'evil' }).success).toBe(true)
  })
})
