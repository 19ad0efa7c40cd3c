import { expect } from 'vitest'
import type { ErrorInfo } from '../../core/errors'
import type { Vireo } from '../../core/vireo'
import type { Input, MethodName, Result } from '../contract'
import { createDispatcher, type Reply } from '../dispatch'

/**
 * Test support (not shipped): the API over `vireo` through the dispatcher every front end
 * uses, params parsed by the contract as a transport sends them. `call` gives the reply as
 * it is; `ok` the result (throws on an error reply); `fails` the error of a call that must
 * fail, never an INTERNAL one.
 */
export function apiOf(vireo: Vireo) {
  const dispatch = createDispatcher(vireo)
  const call = (method: MethodName, params: unknown): Promise<Reply> => dispatch(method, params)
  const ok = async <M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>> => {
    const reply = await dispatch(method, params)
    if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`)
    return reply.result as Result<M>
  }
  const fails = async (method: MethodName, params: unknown): Promise<ErrorInfo> => {
    const reply = await dispatch(method, params)
    if (reply.ok)
      throw new Error(
        `${method} should have failed, but answered ${JSON.stringify(reply.result).slice(0, 200)}`,
      )
    expect(reply.error.code, reply.error.message).not.toBe('INTERNAL')
    return reply.error
  }
  return { vireo, call, ok, fails }
}
