/// <reference types="vite/client" />
import type { ErrorInfo } from './api/types'

/** What the Electron preload exposes (absent in a plain browser). */
export interface VireoBridge {
  invoke(
    method: string,
    params: unknown,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorInfo }>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
  /**
   * `ws://127.0.0.1:PORT`, where console WebSockets are served, when `consoleEndpoint` gives
   * a bare path (it may give a whole `ws://` URL instead).
   */
  consoleBase?: string
  /** The native open-file dialog: the chosen path, or null when cancelled. */
  chooseFile?: (kind: 'iso' | 'disk') => Promise<string | null>
  /** Electron's `webUtils.getPathForFile`, when the preload offers it (for drag and drop). */
  pathForFile?: (file: File) => string
}

declare global {
  interface Window {
    vireo?: VireoBridge
  }
}
