import en from './en.json'

/**
 * What the core says, as a code with parameters rather than as English: a front end renders
 * it in its user's language (the UI through i18next, the CLI through `renderMessage`), from
 * the catalogues beside this file (`en.json`, `zh-CN.json`). Placeholders use i18next's
 * `{{name}}`; a key with `_one`/`_other` forms picks one by its `count` parameter.
 */

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]

/** Every key of the English catalogue, plural forms folded into one key. */
export type MessageKey = Leaves<typeof en> extends infer L
  ? L extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}`
    ? Base
    : L
  : never

/** A parameter: text (a path, QEMU's words) or a number shown as is, or a message of its own. */
export type MessageParam = string | number | Message

export interface Message {
  key: MessageKey
  params?: Record<string, MessageParam>
}

export type Catalogue = { [key: string]: string | Catalogue }

export const englishCatalogue: Catalogue = en

export function msg(key: MessageKey, params?: Record<string, MessageParam>): Message {
  return params === undefined ? { key } : { key, params }
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string'
}

function lookup(catalogue: Catalogue, path: string): string | undefined {
  let node: string | Catalogue | undefined = catalogue
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return undefined
    node = node[part]
  }
  return typeof node === 'string' ? node : undefined
}

function template(catalogue: Catalogue, language: string, key: string, count: unknown): string | undefined {
  if (typeof count === 'number') {
    const form = new Intl.PluralRules(language).select(count)
    const plural = lookup(catalogue, `${key}_${form}`) ?? lookup(catalogue, `${key}_other`)
    if (plural !== undefined) return plural
  }
  return lookup(catalogue, key)
}

/**
 * A message as text, from `catalogue` (English where a key is missing there), nested messages
 * first. Interpolation only: nothing is escaped, as the text goes to a terminal or to React.
 */
export function renderMessage(message: Message, catalogue: Catalogue = englishCatalogue, language = 'en'): string {
  const params: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.params ?? {})) {
    params[name] = typeof value === 'object' ? renderMessage(value, catalogue, language) : String(value)
  }
  const count = message.params?.['count']
  const text =
    template(catalogue, language, message.key, count) ?? template(englishCatalogue, 'en', message.key, count) ?? message.key
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => params[name] ?? whole)
}

/** The English text of a message: what logs, `--json` and programs read. */
export function english(message: Message): string {
  return renderMessage(message)
}
