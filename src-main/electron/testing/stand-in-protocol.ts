// Test support (not shipped): what a test and the stand-in `electron` module, loaded into the
// built main process in a child process, say to each other over Node's IPC channel.

/** A sender frame as Electron would report it (`WebFrameMain`). */
export interface FrameShape {
  url: string
  origin: string
  top: boolean
  /** Reading any property throws, as a disposed frame does in Electron. */
  disposed?: boolean
  detached?: boolean
}

/** One call the main process made into the stand-in, in order; functions appear as "[function]". */
export interface RecordedCall {
  api: string
  args: unknown[]
}

/** Everything the main process has set up, as seen from Electron's side. */
export interface Recording {
  calls: RecordedCall[]
  ipcChannels: string[]
  protocolSchemes: string[]
  windows: number
  appListeners: string[]
  contentsListeners: string[]
  windowOpenHandler: boolean
  permissionHandlers: { request: boolean; check: boolean }
  /** Events sent to the page (`webContents.send`), by channel. */
  sent: Record<string, number>
}

export interface FetchedResponse {
  status: number
  headers: Record<string, string>
  body: Uint8Array
}

export type Command =
  | { op: 'record' }
  | { op: 'invoke'; channel: string; frame: FrameShape | null; args: unknown[] }
  | { op: 'fetch'; scheme: string; url: string }
  | {
      op: 'permission-request'
      permission: string
      details: { requestingUrl: string; isMainFrame: boolean }
    }
  | {
      op: 'permission-check'
      permission: string
      requestingOrigin: string
      details: { isMainFrame: boolean; requestingUrl?: string }
    }
  | { op: 'navigate'; url: string }
  | { op: 'window-open'; url: string }
  | { op: 'emit-app'; event: string; args: unknown[] }
  | { op: 'emit-contents'; event: string; args: unknown[] }
  | { op: 'set-window'; minimized: boolean }

export type Request = Command & { id: number }

/** The stand-in's messages: replies to commands, and what it says of itself. */
export type StandInMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'loaded'; url: string }
  | { type: 'quit'; recording: Recording }
