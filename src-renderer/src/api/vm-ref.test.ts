import { describe, expect, it } from 'vitest'
import { refOf, sameVm, vmKey } from './vm-ref'

describe('VM keys', () => {
  it('tells apart the same id on two connections, and connections whose names hold a slash', () => {
    expect(vmKey({ connection: 'local', id: 'abc12345' })).not.toBe(vmKey({ connection: 'second', id: 'abc12345' }))
    expect(vmKey({ connection: 'a/b', id: 'c' })).not.toBe(vmKey({ connection: 'a', id: 'b/c' }))
  })

  it('takes from a summary only what names the VM', () => {
    const vm = { connection: 'second', id: 'abc12345', name: 'Twin', state: 'running' }
    expect(refOf(vm)).toEqual({ connection: 'second', id: 'abc12345' })
    expect(sameVm(vm, { connection: 'second', id: 'abc12345' })).toBe(true)
    expect(sameVm(vm, { connection: 'local', id: 'abc12345' })).toBe(false)
  })
})
