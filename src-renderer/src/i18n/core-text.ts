import { useTranslation } from 'react-i18next'
import type { i18n as I18n } from 'i18next'
import type { ErrorInfo, Message } from '../api/types'

/**
 * What the core says (src-main/core/messages: errors, hints, the host check, stop reasons,
 * launch problems) in the UI's language. The core sends each as a key with parameters beside
 * its English text; the catalogues are loaded as i18next's `core` namespace (i18n.ts), so a
 * language change re-renders them as it does the UI's own words.
 */
export type CoreText = (message: Message | undefined, english: string) => string

type Translate = (key: string, options: Record<string, unknown>) => string

/** A message in `i18n`'s language, nested messages first; `english` where none was sent. */
export function coreText(i18n: I18n, message: Message | undefined, english: string): string {
  if (message === undefined) return english
  const params: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(message.params ?? {})) {
    params[name] = typeof value === 'object' ? coreText(i18n, value, '') : value
  }
  // The key is data from the core (its type is the core's MessageKey), not one of the UI's.
  return (i18n.t as unknown as Translate)(message.key, { ns: 'core', ...params })
}

/** An error with its message and hint in the UI's language (the English where not sent). */
export function localError(i18n: I18n, error: ErrorInfo): ErrorInfo {
  const hint = error.hint === undefined ? undefined : coreText(i18n, error.hintText, error.hint)
  return { ...error, message: coreText(i18n, error.messageText, error.message), ...(hint === undefined ? {} : { hint }) }
}

export function useCoreText(): { say: CoreText; error: (error: ErrorInfo) => ErrorInfo } {
  const { i18n } = useTranslation()
  return {
    say: (message, english) => coreText(i18n, message, english),
    error: (error) => localError(i18n, error),
  }
}
