/**
 * One error type for everything Vireo reports to a user: a stable code for programs,
 * a message that says what happened, and a hint that says what to do next.
 */
export const errorCodes = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ALREADY_RUNNING',
  'NOT_RUNNING',
  'VM_BROKEN',
  'INVALID_STATE',
  'HOST_UNSUPPORTED',
  'COMMAND_FAILED',
  'IMAGE_LOCKED',
  'NO_SPACE',
  'FILE_MISSING',
  'TIMEOUT',
  'QMP_ERROR',
  'UNAUTHORIZED',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ErrorInfo {
  code: ErrorCode
  message: string
  hint?: string
  details?: Record<string, unknown>
}

export class VireoError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'VireoError'
    this.code = code
    this.hint = hint
    this.details = details
  }

  toJSON(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

/** Turns anything thrown into an ErrorInfo a front end can show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof VireoError) return error.toJSON()
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'INTERNAL', message, hint: 'This is a bug in Vireo; please report it.' }
}
