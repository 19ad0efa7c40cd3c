import { VireoError, type ErrorInfo } from '../core/errors'

/** An API call's error reply, thrown so that a command reads as straight-line code. */
export class CallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
  }
}

/** Prints an error to stderr as `vireo: message` and its hint; returns the exit code. */
export function report(error: unknown): number {
  const info: ErrorInfo =
    error instanceof CallError
      ? error.info
      : error instanceof VireoError
        ? error.toJSON()
        : { code: 'INVALID_INPUT', message: error instanceof Error ? error.message : String(error) }
  console.error(`vireo: ${info.message}`)
  if (info.hint) console.error(`  ${info.hint}`)
  return info.code === 'INTERNAL' ? 70 : 1
}
