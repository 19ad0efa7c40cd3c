import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'

// The renderer's whole view of the main process: one invoke, one subscribe, one file dialog,
// and the path of a file dropped on the window (File.path is gone since Electron 32).
// Channel names are repeated here because a sandboxed preload cannot import other modules.
const INVOKE_CHANNEL = 'vireo:invoke'
const EVENT_CHANNEL = 'vireo:event'
const CHOOSE_FILE_CHANNEL = 'vireo:choose-file'

interface EventMessage {
  type: 'event'
  event: string
  payload: unknown
}

contextBridge.exposeInMainWorld('vireo', {
  invoke: (method: string, params: unknown): Promise<unknown> =>
    ipcRenderer.invoke(INVOKE_CHANNEL, method, params),
  subscribe: (event: string, callback: (payload: unknown) => void): (() => void) => {
    const listener = (_: IpcRendererEvent, message: EventMessage) => {
      if (message.event === event) callback(message.payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, listener)
    return () => ipcRenderer.off(EVENT_CHANNEL, listener)
  },
  chooseFile: (kind: 'iso' | 'disk'): Promise<string | null> =>
    ipcRenderer.invoke(CHOOSE_FILE_CHANNEL, kind),
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
})
