/**
 * One error type for everything Vireo reports to a user: a stable code for programs,
 * a message that says what happened, and a hint that says what to do next.
 */
import { english, msg, type Message } from './messages/message'

export { english, msg } from './messages/message'
export type { Message, MessageKey, MessageParam } from './messages/message'

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

/**
 * An error as it crosses the API. `message` and `hint` are English text (logs, `--json`,
 * programs); `messageText` and `hintText` are the same as codes with parameters, which a front
 * end renders in its user's language (core/messages). The core always sends both; an ErrorInfo
 * a front end makes itself (a lost connection) may have text only.
 */
export interface ErrorInfo {
  code: ErrorCode
  message: string
  messageText?: Message
  hint?: string
  hintText?: Message
  details?: Record<string, unknown>
}

export class VireoError extends Error {
  readonly code: ErrorCode
  readonly text: Message
  readonly hint: string | undefined
  readonly hintText: Message | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: Message, hint?: Message, details?: Record<string, unknown>) {
    super(english(message))
    this.name = 'VireoError'
    this.code = code
    this.text = message
    this.hint = hint === undefined ? undefined : english(hint)
    this.hintText = hint
    this.details = details
  }

  toJSON(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      messageText: this.text,
      ...(this.hintText === undefined ? {} : { hint: this.hint, hintText: this.hintText }),
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

/** Turns anything thrown into an ErrorInfo a front end can show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof VireoError) return error.toJSON()
  const message = error instanceof Error ? error.message : String(error)
  return new VireoError('INTERNAL', msg('error.internal', { message }), msg('error.internalHint')).toJSON()
}
