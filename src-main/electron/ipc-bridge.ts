import { dialog, ipcMain, type BrowserWindow, type WebFrameMain } from 'electron'
import { createDispatcher } from '../api/dispatch'
import { forwardEvents, type EventMessage } from '../api/wire'
import type { Vireo } from '../core/vireo'
import { isTrustedFrame, senderFrameFacts, type TrustedRenderer } from './frame-trust'

export const INVOKE_CHANNEL = 'vireo:invoke'
export const EVENT_CHANNEL = 'vireo:event'
export const CHOOSE_FILE_CHANNEL = 'vireo:choose-file'

/**
 * The one IPC bridge: every API method goes through a single channel and the same dispatcher
 * as the WebSocket host (params validated against the contract); events go out on another.
 * Native file dialogs are the one thing only this door has.
 */
export function installIpcBridge(
  vireo: Vireo,
  window: BrowserWindow,
  renderer: TrustedRenderer,
): () => void {
  const dispatch = createDispatcher(vireo)
  // Only our own page, in the top frame, may talk to the main process.
  const trusted = (frame: WebFrameMain | null) => isTrustedFrame(senderFrameFacts(frame), renderer)
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, params: unknown) => {
    if (!trusted(event.senderFrame)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Untrusted sender' } }
    }
    return dispatch(method, params)
  })
  ipcMain.handle(CHOOSE_FILE_CHANNEL, async (event, kind: unknown) => {
    if (!trusted(event.senderFrame)) return null
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
