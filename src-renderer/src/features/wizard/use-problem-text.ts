import { useTranslation } from 'react-i18next'
import { useCoreText } from '../../i18n/core-text'
import type { Problem } from './draft'

/** A field problem in words: ours translated, the server's as it said it (with its hint). */
export function useProblemText(): (problem: Problem | undefined) => string | undefined {
  const { t } = useTranslation()
  const core = useCoreText()
  return (problem) => {
    if (problem === undefined) return undefined
    if ('server' in problem) {
      const { message, hint } = core.error(problem.server)
      return hint === undefined || hint === '' ? message : `${message} ${hint}`
    }
    return t(`wizard.problem.${problem.code}`, problem.values ?? {})
  }
}
