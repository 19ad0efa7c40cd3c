import { VireoError, type ErrorInfo } from '../core/errors'
import { sayer, type Say } from './language'

/** An API call's error reply, thrown so that a command reads as straight-line code. */
export class CallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
  }
}

/**
 * Prints an error to stderr as `vireo: message` and its hint, in the locale's language
 * (LC_ALL, LC_MESSAGES, LANG); returns the exit code.
 */
export async function report(error: unknown, say?: Say): Promise<number> {
  const info: ErrorInfo =
    error instanceof CallError
      ? error.info
      : error instanceof VireoError
        ? error.toJSON()
        : { code: 'INVALID_INPUT', message: error instanceof Error ? error.message : String(error) }
  const text = info.messageText !== undefined || info.hintText !== undefined ? (say ?? (await sayer())) : undefined
  console.error(`vireo: ${text && info.messageText ? text(info.messageText) : info.message}`)
  const hint = text && info.hintText ? text(info.hintText) : info.hint
  if (hint) console.error(`  ${hint}`)
  return info.code === 'INTERNAL' ? 70 : 1
}
