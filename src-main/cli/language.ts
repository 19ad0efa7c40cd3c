import { englishCatalogue, renderMessage, type Catalogue, type Message } from '../core/messages/message'

/** The languages the CLI speaks: the core's catalogues (src-main/core/messages). */
export type CliLanguage = 'en' | 'zh-CN'

/** A message as text, in the language chosen. */
export type Say = (message: Message) => string

/**
 * The language of the CLI's messages from the locale, as gettext finds LC_MESSAGES: the first
 * of LC_ALL, LC_MESSAGES, LANG that is set and not empty. `zh_*` (zh_CN.UTF-8, zh_SG…) is
 * Chinese; C, POSIX, C.UTF-8, unset or anything else is English.
 */
export function localeLanguage(env: NodeJS.ProcessEnv = process.env): CliLanguage {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? 'C'
  return /^zh([_.@-]|$)/i.test(locale) ? 'zh-CN' : 'en'
}

/** How to say messages in `language`; the Chinese catalogue is loaded only when it is wanted. */
export async function sayer(language: CliLanguage = localeLanguage()): Promise<Say> {
  if (language === 'en') return (message) => renderMessage(message)
  const catalogue: Catalogue = (await import('../core/messages/zh-CN.json')).default
  return (message) => renderMessage(message, catalogue, language)
}

export const sayEnglish: Say = (message) => renderMessage(message, englishCatalogue)
