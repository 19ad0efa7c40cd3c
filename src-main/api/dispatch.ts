import { VireoError, toErrorInfo, type ErrorInfo, msg } from '../core/errors'
import { methods, type ApiHandlers, type MethodName } from './contract'

export type Reply = { ok: true; result: unknown } | { ok: false; error: ErrorInfo }

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name)
}

/**
 * Validates a call against the contract and runs it. Whatever comes in (an unknown method,
 * params of the wrong shape, a thrown error), what goes out is a typed reply, never a crash.
 */
export function createDispatcher(handlers: ApiHandlers) {
  return async function dispatch(method: unknown, params: unknown): Promise<Reply> {
    try {
      if (!isMethodName(method)) {
        throw new VireoError('INVALID_INPUT', msg('error.api.unknownMethod', { method: String(method).slice(0, 64) }))
      }
      const parsed = methods[method].safeParse(params ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const where = issue?.path.join('.') ?? ''
        throw new VireoError(
          'INVALID_INPUT',
          where === '' ? msg('error.verbatim', { text: issue?.message ?? 'invalid' }) : msg('error.api.invalidField', { field: where, problem: issue?.message ?? 'invalid' }),
          undefined,
          { field: where },
        )
      }
      const handler = handlers[method] as (p: unknown) => Promise<unknown>
      return { ok: true, result: await handler.call(handlers, parsed.data) }
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) }
    }
  }
}
