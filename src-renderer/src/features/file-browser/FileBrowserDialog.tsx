import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { BrowseResult, ErrorInfo, FileEntry } from '../../api/types'
import { Dialog } from '../../ui/Dialog'
import { ErrorNote } from '../../ui/ErrorNote'
import { formatBytes } from '../../ui/format'
import { Icon } from '../../ui/icons'
import './file-browser.css'

interface FileBrowserDialogProps {
  title: string
  /** File name endings to show (lower case, with the dot); folders are always shown. */
  extensions: readonly string[]
  /** Where to start; the server's default folder when absent. */
  startDir?: string | undefined
  onChoose: (path: string) => void
  onClose: () => void
}

/** Browse the host's files (where the VMs run, not where the browser runs) for one file. */
export function FileBrowserDialog(props: FileBrowserDialogProps) {
  const { t, i18n } = useTranslation()
  const [result, setResult] = useState<BrowseResult | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [loading, setLoading] = useState(true)
  const [selected, setSelected] = useState<string | null>(null)
  const [typed, setTyped] = useState('')
  const listRef = useRef<HTMLUListElement>(null)

  // Each request (even for the folder already shown) lists the folder afresh.
  const [request, setRequest] = useState({ dir: props.startDir, n: 0 })

  useEffect(() => {
    let cancelled = false
    const dir = request.dir
    api.call('browseFiles', dir === undefined ? {} : { dir }).then(
      (next) => {
        if (cancelled) return
        setResult(next)
        setTyped(next.dir)
        setSelected(null)
        setError(null)
        setLoading(false)
      },
      (e: unknown) => {
        if (cancelled) return
        setError(toErrorInfo(e))
        setLoading(false)
      },
    )
    return () => {
      cancelled = true
    }
  }, [request])

  const open = (dir: string) => {
    setLoading(true)
    setRequest((r) => ({ dir, n: r.n + 1 }))
  }

  const shown = (result?.entries ?? []).filter(
    (entry) =>
      entry.kind === 'dir' ||
      props.extensions.some((ext) => entry.name.toLowerCase().endsWith(ext)),
  )

  const activate = (entry: FileEntry) => {
    if (entry.kind === 'dir') open(entry.path)
    else props.onChoose(entry.path)
  }

  const onListKeyDown = (event: KeyboardEvent) => {
    const buttons = Array.from(listRef.current?.querySelectorAll('button') ?? [])
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const to =
      event.key === 'ArrowDown'
        ? index + 1
        : event.key === 'ArrowUp'
          ? index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : null
    if (to === null) return
    event.preventDefault()
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus()
  }

  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      wide
      actions={
        <>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={selected === null}
            onClick={() => selected !== null && props.onChoose(selected)}
          >
            {t('files.choose')}
          </button>
        </>
      }
    >
      <form
        noValidate
        className="files-bar"
        onSubmit={(event) => {
          event.preventDefault()
          if (typed.trim() !== '') open(typed.trim())
        }}
      >
        <button
          type="button"
          className="small"
          disabled={result?.parent == null}
          onClick={() => result?.parent != null && open(result.parent)}
        >
          <Icon name="up" />
          {t('files.up')}
        </button>
        <input
          type="text"
          className="files-path"
          aria-label={t('files.folder')}
          value={typed}
          spellCheck={false}
          onChange={(event) => setTyped(event.target.value)}
        />
        <button type="submit" className="small">
          {t('files.go')}
        </button>
      </form>
      {(result?.roots.length ?? 0) > 1 && (
        <div className="files-roots" role="group" aria-label={t('files.places')}>
          {result?.roots.map((root) => (
            <button key={root} type="button" className="small plain" onClick={() => open(root)}>
              {root}
            </button>
          ))}
        </div>
      )}
      {error !== null && <ErrorNote error={error} />}
      <ul
        ref={listRef}
        className="files-list"
        aria-label={t('files.contents', { dir: result?.dir ?? '' })}
        aria-busy={loading}
        onKeyDown={onListKeyDown}
      >
        {shown.map((entry) => (
          <li key={entry.path}>
            <button
              type="button"
              className={entry.path === selected ? 'file-entry file-selected' : 'file-entry'}
              aria-pressed={entry.kind === 'file' ? entry.path === selected : undefined}
              onClick={() => (entry.kind === 'dir' ? activate(entry) : setSelected(entry.path))}
              onDoubleClick={() => entry.kind === 'file' && activate(entry)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && entry.kind === 'file') {
                  event.preventDefault()
                  activate(entry)
                }
              }}
            >
              <Icon name={entry.kind === 'dir' ? 'folder' : 'disc'} />
              <span className="file-name">{entry.name}</span>
              {entry.kind === 'file' && (
                <span className="file-size">{formatBytes(entry.sizeBytes, i18n.language)}</span>
              )}
            </button>
          </li>
        ))}
        {result !== null && shown.length === 0 && (
          <li className="muted files-empty">{t('files.empty')}</li>
        )}
      </ul>
    </Dialog>
  )
}
