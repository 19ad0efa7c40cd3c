import type { ErrorCode, ErrorInfo, Message } from './types'

/** A failed call: the server's ErrorInfo (code, message, hint) carried by an Error. */
export class ApiError extends Error implements ErrorInfo {
  readonly code: ErrorCode
  readonly messageText: Message | undefined
  readonly hint: string | undefined
  readonly hintText: Message | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(info: ErrorInfo) {
    super(info.message)
    this.name = 'ApiError'
    this.code = info.code
    this.messageText = info.messageText
    this.hint = info.hint
    this.hintText = info.hintText
    this.details = info.details
  }

  /** The field an INVALID_INPUT error is about (`name`, `source.path`, …), if the server said. */
  get field(): string | undefined {
    const field = this.details?.['field']
    return typeof field === 'string' && field !== '' ? field : undefined
  }
}

/** Anything thrown, as ErrorInfo a screen can show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.messageText === undefined ? {} : { messageText: error.messageText }),
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.hintText === undefined ? {} : { hintText: error.hintText }),
      ...(error.details === undefined ? {} : { details: error.details }),
    }
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }
}

export function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v['code'] === 'string' && typeof v['message'] === 'string'
}
