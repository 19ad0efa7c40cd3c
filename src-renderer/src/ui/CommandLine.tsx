import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatCommandLine } from './command-line'

/** The exact QEMU command line, readable, with a Copy button. */
export function CommandLine({ argv, label }: { argv: readonly string[]; label: string }) {
  const { t } = useTranslation()
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  const preRef = useRef<HTMLPreElement>(null)
  const labelId = useId()
  const text = formatCommandLine(argv)

  useEffect(() => {
    if (copied === 'idle') return
    const timer = setTimeout(() => setCopied('idle'), 2000)
    return () => clearTimeout(timer)
  }, [copied])

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied('copied')
    } catch {
      // No clipboard permission (plain http): select the text so Ctrl+C works.
      const selection = window.getSelection()
      if (preRef.current !== null && selection !== null) selection.selectAllChildren(preRef.current)
      setCopied('failed')
    }
  }

  return (
    <div className="command-line">
      <div className="command-line-head">
        <span id={labelId} className="command-line-label">
          {label}
        </span>
        <button type="button" className="small" onClick={() => void copy()}>
          {t('commandLine.copy')}
        </button>
        <span role="status" className="command-line-status">
          {copied === 'copied'
            ? t('commandLine.copied')
            : copied === 'failed'
              ? t('commandLine.selected')
              : ''}
        </span>
      </div>
      {/* A named, focusable region: it scrolls, and the keyboard must reach it (a bare <pre>
          has no role that takes a name). */}
      <pre ref={preRef} className="code" role="region" aria-labelledby={labelId} tabIndex={0}>
        {text}
      </pre>
    </div>
  )
}
