import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type {
  Command,
  FetchedResponse,
  FrameShape,
  Recording,
  StandInMessage,
} from './stand-in-protocol'

// Test support (not shipped): the built Electron main process (out/main/index.js), started in a
// child process with the stand-in `electron` module, and a test's handle on it.

export const bundle = join(import.meta.dirname, '..', '..', '..', 'out', 'main', 'index.js')
const register = join(import.meta.dirname, 'register-stand-in.mjs')

export interface MainProcess {
  readonly child: ChildProcess
  /** How it started: it loaded its window, or it quit (a second instance). */
  readonly outcome: 'loaded' | 'quit'
  /** What it recorded when it quit, if it did. */
  quitRecording(): Recording | null
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>
  record(): Promise<Recording>
  invoke(channel: string, frame: FrameShape | null, ...args: unknown[]): Promise<unknown>
  fetch(url: string): Promise<FetchedResponse>
  requestPermission(
    permission: string,
    requestingUrl: string,
    isMainFrame?: boolean,
  ): Promise<unknown>
  checkPermission(
    permission: string,
    requestingOrigin: string,
    isMainFrame?: boolean,
  ): Promise<unknown>
  navigate(url: string): Promise<{ prevented: boolean }>
  openWindow(url: string): Promise<unknown>
  /** Emits an app or webContents event with an Electron event object; says if it was prevented. */
  emitApp(event: string, ...args: unknown[]): Promise<{ prevented: boolean }>
  emitContents(event: string, ...args: unknown[]): Promise<{ prevented: boolean }>
  setMinimized(minimized: boolean): Promise<void>
  output(): string
  /** Ends it (SIGKILL) if it still runs. */
  kill(): Promise<void>
}

/**
 * Starts the built main process with `env` added, and waits until it has loaded or quit.
 * XDG_CONFIG_HOME is required: Electron's default profile, and so its lock, would be there.
 * A variable given as undefined is removed from the inherited environment.
 */
export async function launchMainProcess(
  env: Record<string, string | undefined> & { XDG_CONFIG_HOME: string },
  timeoutMs = 60_000,
): Promise<MainProcess> {
  if (!existsSync(bundle))
    throw new Error('Build first: npx electron-vite build (npm test does it for you).')
  const child = fork(bundle, [], {
    execArgv: ['--import', register],
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined),
    ),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )

  let nextId = 1
  let quit: Recording | null = null
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let started: (outcome: 'loaded' | 'quit') => void = () => undefined
  const start = new Promise<'loaded' | 'quit'>((resolve) => (started = resolve))
  child.on('message', (message: StandInMessage) => {
    if (message.type === 'loaded') started('loaded')
    else if (message.type === 'quit') {
      quit = message.recording
      started('quit')
    } else {
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.ok) waiter?.resolve(message.value)
      else waiter?.reject(new Error(message.error))
    }
  })
  void exited.then((code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`main process exited (${code}):\n${output}`))
    pending.clear()
  })

  const send = (command: Command): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      child.send({ ...command, id })
    })

  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    start,
    exited.then((code) => {
      throw new Error(`main process exited (${code}) before loading its window:\n${output}`)
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`main process did not start:\n${output}`)),
        timeoutMs,
      )
    }),
  ]).finally(() => clearTimeout(timer))

  return {
    child,
    outcome,
    exited,
    quitRecording: () => quit,
    record: async () => (await send({ op: 'record' })) as Recording,
    invoke: (channel, frame, ...args) => send({ op: 'invoke', channel, frame, args }),
    fetch: async (url) =>
      (await send({
        op: 'fetch',
        scheme: new URL(url).protocol.slice(0, -1),
        url,
      })) as FetchedResponse,
    requestPermission: (permission, requestingUrl, isMainFrame = true) =>
      send({ op: 'permission-request', permission, details: { requestingUrl, isMainFrame } }),
    checkPermission: (permission, requestingOrigin, isMainFrame = true) =>
      send({ op: 'permission-check', permission, requestingOrigin, details: { isMainFrame } }),
    navigate: async (url) => (await send({ op: 'navigate', url })) as { prevented: boolean },
    openWindow: (url) => send({ op: 'window-open', url }),
    emitApp: async (event, ...args) =>
      (await send({ op: 'emit-app', event, args })) as { prevented: boolean },
    emitContents: async (event, ...args) =>
      (await send({ op: 'emit-contents', event, args })) as { prevented: boolean },
    setMinimized: async (minimized) => void (await send({ op: 'set-window', minimized })),
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
