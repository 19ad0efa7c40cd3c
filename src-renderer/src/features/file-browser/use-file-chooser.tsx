import { useState, type ReactNode } from 'react'
import { api } from '../../api/client'
import { FileBrowserDialog } from './FileBrowserDialog'

const extensions = {
  iso: ['.iso'],
  disk: ['.qcow2', '.img', '.raw', '.vmdk', '.vdi'],
} as const

/**
 * "Browse…": the native file dialog in the desktop app, the host's files in a dialog of
 * ours in a browser (the browser's own picker would not tell the path on the host).
 */
export function useFileChooser(
  kind: 'iso' | 'disk',
  title: string,
  onChoose: (path: string) => void,
): { open: () => void; dialog: ReactNode } {
  const [browsing, setBrowsing] = useState(false)
  const open = () => {
    const native = api.chooseFile
    if (native === null) {
      setBrowsing(true)
      return
    }
    void native(kind).then((path) => path !== null && onChoose(path))
  }
  const dialog = browsing ? (
    <FileBrowserDialog
      title={title}
      extensions={extensions[kind]}
      onClose={() => setBrowsing(false)}
      onChoose={(path) => {
        setBrowsing(false)
        onChoose(path)
      }}
    />
  ) : null
  return { open, dialog }
}
