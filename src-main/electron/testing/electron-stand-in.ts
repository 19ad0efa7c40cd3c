import { EventEmitter } from 'node:events'
import { mkdirSync, openSync, unlinkSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Recording, RecordedCall } from './stand-in-protocol'
import { serveCommands, type StandInWindow } from './stand-in-commands'

// Test support (not shipped): the `electron` module as the built main process sees it, loaded
// in its place by stand-in-hooks.mjs. It records what the main process sets up and keeps the
// rules Electron enforces (what must come before `ready`, one handler a channel), so that a
// test (through ./main-process.ts) can call the handlers as Electron would.

type Handler = (...args: never[]) => unknown

const calls: RecordedCall[] = []
const plain = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' ? '[function]' : v)) ??
      'null',
  )
function record(api: string, ...args: unknown[]): void {
  calls.push({ api, args: args.map(plain) })
}

let ready = false
function requireReady(what: string): void {
  if (!ready) throw new Error(`${what} cannot be used before the app is ready`)
}

export const ipcHandlers = new Map<string, Handler>()
export const ipcMain = {
  handle(channel: string, handler: Handler): void {
    record('ipcMain.handle', channel)
    if (ipcHandlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    ipcHandlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    record('ipcMain.removeHandler', channel)
    ipcHandlers.delete(channel)
  },
}

export const protocolHandlers = new Map<
  string,
  (request: Request) => Promise<Response> | Response
>()
export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    record('protocol.registerSchemesAsPrivileged', schemes)
    if (ready)
      throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready')
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    record('protocol.handle', scheme)
    requireReady('protocol.handle')
    protocolHandlers.set(scheme, handler)
  },
}

export const permissions: { request: Handler | null; check: Handler | null } = {
  request: null,
  check: null,
}
const defaultSession = {
  setPermissionRequestHandler(handler: Handler | null): void {
    record('session.setPermissionRequestHandler', handler)
    permissions.request = handler
  },
  setPermissionCheckHandler(handler: Handler | null): void {
    record('session.setPermissionCheckHandler', handler)
    permissions.check = handler
  },
}
export const session = {
  get defaultSession() {
    requireReady('session.defaultSession')
    return defaultSession
  },
}

export const dialog = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', title, content)
  },
  async showOpenDialog(_window: unknown, options: unknown) {
    record('dialog.showOpenDialog', options)
    return { canceled: true, filePaths: [] as string[] }
  },
}

class StandInWebContents extends EventEmitter {
  windowOpenHandler: Handler | null = null
  readonly sent: Record<string, number> = {}
  setWindowOpenHandler(handler: Handler): void {
    record('webContents.setWindowOpenHandler', handler)
    this.windowOpenHandler = handler
  }
  send(channel: string): void {
    this.sent[channel] = (this.sent[channel] ?? 0) + 1
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = []
  readonly webContents = new StandInWebContents()
  minimized = false
  constructor(options: unknown) {
    super()
    record('new BrowserWindow', options)
    requireReady('BrowserWindow')
    BrowserWindow.all.push(this)
  }
  async loadURL(url: string): Promise<void> {
    record('window.loadURL', url)
    process.send?.({ type: 'loaded', url })
    setImmediate(() => this.emit('ready-to-show'))
  }
  isDestroyed(): boolean {
    return false
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    record('window.restore')
    this.minimized = false
  }
  focus(): void {
    record('window.focus')
  }
  show(): void {
    record('window.show')
  }
}

const paths = new Map<string, string>([
  ['userData', join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'vireo')],
])
let readyResolve: () => void = () => undefined
const whenReady = new Promise<void>((resolve) => (readyResolve = resolve))

class StandInApp extends EventEmitter {
  /** Unpackaged, as `electron .` runs it; ELECTRON_STAND_IN_PACKAGED=1 for a packaged build. */
  readonly isPackaged = process.env.ELECTRON_STAND_IN_PACKAGED === '1'
  setPath(name: string, path: string): void {
    record('app.setPath', name, path)
    if (ready && name === 'userData')
      throw new Error('userData must be set before the app is ready')
    paths.set(name, path)
  }
  getPath(name: string): string {
    return paths.get(name) ?? join(homedir(), name)
  }
  /** Chromium's lock: a file in the profile (userData), held until the process ends. */
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock')
    const dir = this.getPath('userData')
    mkdirSync(dir, { recursive: true })
    const lock = join(dir, 'SingletonLock')
    try {
      openSync(lock, 'wx')
    } catch {
      return false
    }
    process.once('exit', () => unlinkSync(lock))
    return true
  }
  whenReady(): Promise<void> {
    return whenReady
  }
  /** As Electron's: ends at once, without the quit events; the recording goes out first. */
  exit(code = 0): void {
    record('app.exit', code)
    process.send?.({ type: 'quit', recording: recording() }, () => process.exit(code))
  }
  quit(): void {
    record('app.quit')
    // As Electron's, the quit happens after this turn (so replies already due go out first).
    setImmediate(() => {
      this.emit('will-quit')
      process.send?.({ type: 'quit', recording: recording() }, () => process.exit(0))
    })
  }
}
export const app = new StandInApp()

export function recording(): Recording {
  const contents = BrowserWindow.all[0]?.webContents
  return {
    calls,
    ipcChannels: [...ipcHandlers.keys()],
    protocolSchemes: [...protocolHandlers.keys()],
    windows: BrowserWindow.all.length,
    appListeners: app.eventNames().map(String),
    contentsListeners: contents?.eventNames().map(String) ?? [],
    windowOpenHandler: contents?.windowOpenHandler !== null && contents !== undefined,
    permissionHandlers: {
      request: permissions.request !== null,
      check: permissions.check !== null,
    },
    sent: contents?.sent ?? {},
  }
}

// Electron is ready once the main script's first turn has run.
setImmediate(() => {
  ready = true
  app.emit('ready')
  readyResolve()
})
serveCommands({
  ipcHandlers,
  protocolHandlers,
  permissions,
  app,
  recording,
  window: (): StandInWindow | undefined => BrowserWindow.all[0],
})
