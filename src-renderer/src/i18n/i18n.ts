import i18next, { type i18n as I18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import zhCN from './zh-CN.json'
// The core's own messages (errors, host check, stop reasons), rendered by core-text.ts.
import coreEn from '../../../src-main/core/messages/en.json'
import coreZhCN from '../../../src-main/core/messages/zh-CN.json'

export const languages = ['en', 'zh-CN'] as const
export type Language = (typeof languages)[number]
export type LanguagePreference = Language | 'system'

const storageKey = 'vireo.language'

/** The language the system or browser asks for, as one of ours (English otherwise). */
export function systemLanguage(preferred: readonly string[] = navigator.languages): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase()
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}

export function languagePreference(): LanguagePreference {
  try {
    const stored = localStorage.getItem(storageKey)
    return stored === 'en' || stored === 'zh-CN' ? stored : 'system'
  } catch {
    return 'system'
  }
}

export async function setLanguagePreference(preference: LanguagePreference): Promise<void> {
  try {
    if (preference === 'system') localStorage.removeItem(storageKey)
    else localStorage.setItem(storageKey, preference)
  } catch {
    // Storage can be off (private windows); the choice then lasts until reload.
  }
  await i18n.changeLanguage(preference === 'system' ? systemLanguage() : preference)
}

function resolve(preference: LanguagePreference): Language {
  return preference === 'system' ? systemLanguage() : preference
}

export const i18n: I18n = i18next.createInstance()

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en, core: coreEn }, 'zh-CN': { translation: zhCN, core: coreZhCN } },
  ns: ['translation', 'core'],
  defaultNS: 'translation',
  lng: resolve(languagePreference()),
  fallbackLng: 'en',
  supportedLngs: [...languages],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  showSupportNotice: false,
})

function reflectLanguage(lng: string): void {
  document.documentElement.lang = lng
}
reflectLanguage(i18n.language)
i18n.on('languageChanged', reflectLanguage)
