import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { stepsFor, type Step } from './draft'
import { NamePage } from './NamePage'
import { OsPage } from './OsPage'
import { ResourcesPage } from './ResourcesPage'
import { ReviewPage } from './ReviewPage'
import { SourcePage } from './SourcePage'
import { useWizard } from './wizard-store'
import './wizard.css'

const pages: Record<Step, () => React.JSX.Element> = {
  source: SourcePage,
  os: OsPage,
  resources: ResourcesPage,
  name: NamePage,
  review: ReviewPage,
}

/** The new-VM wizard: a list of pages over one draft (see draft.ts). */
export function Wizard() {
  const { t } = useTranslation()
  const step = useWizard((s) => s.step)
  const kind = useWizard((s) => s.draft.sourceKind)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const steps = stepsFor(kind)
  const Page = pages[step]

  // Each page starts at its heading, for keyboard and screen-reader users.
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    headingRef.current?.focus()
  }, [step])

  return (
    <section className="wizard" aria-labelledby="wizard-title">
      <header className="wizard-head">
        <h1 id="wizard-title" className="screen-title" tabIndex={-1}>
          {t('wizard.title')}
        </h1>
        <ol className="steps" aria-label={t('wizard.stepsLabel')}>
          {steps.map((s, index) => (
            <li
              key={s}
              className={
                s === step
                  ? 'step step-current'
                  : index < steps.indexOf(step)
                    ? 'step step-done'
                    : 'step'
              }
              aria-current={s === step ? 'step' : undefined}
            >
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              {t(`wizard.steps.${s}`)}
            </li>
          ))}
        </ol>
      </header>
      <div className="wizard-page">
        <h2 ref={headingRef} className="page-title" tabIndex={-1}>
          {t(`wizard.titles.${step}`)}
        </h2>
        <Page />
      </div>
    </section>
  )
}
