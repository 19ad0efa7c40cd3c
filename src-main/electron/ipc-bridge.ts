import { dialog, ipcMain, type BrowserWindow, type WebFrameMain } from 'electron'
import { createDispatcher } from '../api/dispatch'
import { forwardEvents, type EventMessage } from '../api/wire'
import type { Vireo } from '../core/vireo'

export const INVOKE_CHANNEL = 'vireo:invoke'
export const EVENT_CHANNEL = 'vireo:event'
export const CHOOSE_FILE_CHANNEL = 'vireo:choose-file'

/** Only our own page (from `origin`), in the top frame, may talk to the main process. */
function trusted(frame: WebFrameMain | null, origin: string): boolean {
  return frame !== null && frame.parent === null && new URL(frame.url).origin === origin
}

/**
 * The one IPC bridge: every API method goes through a single channel and the same dispatcher
 * as the WebSocket host (params validated against the contract); events go out on another.
 * Native file dialogs are the one thing only this door has.
 */
export function installIpcBridge(vireo: Vireo, window: BrowserWindow, origin: string): () => void {
  const dispatch = createDispatcher(vireo)
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, params: unknown) => {
    if (!trusted(event.senderFrame, origin)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Untrusted sender' } }
    }
    return dispatch(method, params)
  })
  ipcMain.handle(CHOOSE_FILE_CHANNEL, async (event, kind: unknown) => {
    if (!trusted(event.senderFrame, origin)) return null
    const filters =
      kind === 'disk'
        ? [{ name: 'Disk images', extensions: ['qcow2', 'img', 'raw', 'vmdk', 'vdi'] }]
        : [{ name: 'ISO images', extensions: ['iso'] }]
    const result = await dialog.showOpenDialog(window, { properties: ['openFile'], filters })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
  const stop = forwardEvents(vireo, (message: EventMessage) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message)
  })
  return () => {
    stop()
    ipcMain.removeHandler(INVOKE_CHANNEL)
    ipcMain.removeHandler(CHOOSE_FILE_CHANNEL)
  }
}
