import type { EventEmitter } from 'node:events'
import type { Command, FrameShape, Recording, Request, StandInMessage } from './stand-in-protocol'

// Test support (not shipped): the stand-in's side of the conversation. Each command calls what
// the main process registered, the way Electron would call it, and replies with the outcome.

type Handler = (...args: never[]) => unknown
type Call = (...args: unknown[]) => unknown

export interface StandInWindow extends EventEmitter {
  minimized: boolean
  webContents: EventEmitter & { windowOpenHandler: Handler | null }
}

export interface StandInTarget {
  ipcHandlers: Map<string, Handler>
  protocolHandlers: Map<string, (request: globalThis.Request) => Promise<Response> | Response>
  permissions: { request: Handler | null; check: Handler | null }
  app: EventEmitter
  recording: () => Recording
  window: () => StandInWindow | undefined
}

/** A WebFrameMain as Electron reports it; a disposed one throws on every read, as Electron's does. */
function webFrame(shape: FrameShape): object {
  const parent = shape.top
    ? null
    : { url: 'app://vireo/index.html', origin: 'app://vireo', parent: null }
  const frame = { url: shape.url, origin: shape.origin, parent, detached: shape.detached ?? false }
  if (!shape.disposed) return frame
  return new Proxy(frame, {
    get() {
      throw new Error('Render frame was disposed before WebFrameMain could be accessed')
    },
  })
}

/** An Electron event object: preventDefault() is what the handlers use. */
function electronEvent(fields: object = {}) {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault(): void {
      event.defaultPrevented = true
    },
  }
  return event
}

const asCall = (handler: Handler | null | undefined): Call | null =>
  (handler ?? null) as Call | null

async function run(target: StandInTarget, command: Command): Promise<unknown> {
  const window = target.window()
  switch (command.op) {
    case 'record':
      return target.recording()
    case 'invoke': {
      const handler = asCall(target.ipcHandlers.get(command.channel))
      if (handler === null) throw new Error(`No handler registered for '${command.channel}'`)
      const frame = command.frame === null ? null : webFrame(command.frame)
      const event = { senderFrame: frame, sender: window?.webContents, processId: 1, frameId: 1 }
      return await handler(event, ...command.args)
    }
    case 'fetch': {
      const handler = target.protocolHandlers.get(command.scheme)
      if (handler === undefined) throw new Error(`No handler for ${command.scheme}:`)
      const response = await handler(new globalThis.Request(command.url))
      const body = new Uint8Array(await response.arrayBuffer())
      return { status: response.status, headers: Object.fromEntries(response.headers), body }
    }
    case 'permission-request': {
      const handler = asCall(target.permissions.request)
      if (handler === null) return 'no handler'
      return await new Promise((resolve) => {
        const timer = setTimeout(() => resolve('no answer'), 2000)
        const callback = (granted: boolean) => {
          clearTimeout(timer)
          resolve(granted)
        }
        handler(window?.webContents, command.permission, callback, command.details)
      })
    }
    case 'permission-check': {
      const handler = asCall(target.permissions.check)
      if (handler === null) return 'no handler'
      return handler(
        window?.webContents,
        command.permission,
        command.requestingOrigin,
        command.details,
      )
    }
    case 'navigate': {
      const event = electronEvent({ url: command.url, isMainFrame: true, isSameDocument: false })
      window?.webContents.emit('will-navigate', event, command.url, false, true)
      return { prevented: event.defaultPrevented }
    }
    case 'window-open': {
      const handler = asCall(window?.webContents.windowOpenHandler)
      if (handler === null) return 'no handler (Electron would open the window)'
      const details = { url: command.url, frameName: '', features: '', disposition: 'new-window' }
      return handler(details)
    }
    case 'emit-app':
    case 'emit-contents': {
      const emitter = command.op === 'emit-app' ? target.app : window?.webContents
      const event = electronEvent()
      emitter?.emit(command.event, event, ...command.args)
      return { prevented: event.defaultPrevented }
    }
    case 'set-window':
      if (window !== undefined) window.minimized = command.minimized
      return null
  }
}

/** Answers the test's commands on the IPC channel this process was forked with. */
export function serveCommands(target: StandInTarget): void {
  const send = (message: StandInMessage) => process.send?.(message)
  process.on('message', (message: Request) => {
    run(target, message).then(
      (value) => send({ type: 'reply', id: message.id, ok: true, value }),
      (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: String(error) }),
    )
  })
}
