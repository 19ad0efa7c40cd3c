// Over 300 lines: one protocol client (greeting, capabilities, ids, events, timeouts, close); its
// framing is apart, in qmp-protocol.ts.
import { EventEmitter } from 'node:events'
import { createConnection, type Socket } from 'node:net'
import { VireoError, msg } from '../errors'
import {
  LineSplitter,
  formatQmpCommand,
  parseQmpLine,
  type QmpEvent,
  type QmpMessage,
  type QmpVersion,
} from './qmp-protocol'

export type { QmpEvent, QmpTimestamp, QmpVersion } from './qmp-protocol'

export interface QmpConnectOptions {
  /** Limit for connecting, the greeting and `qmp_capabilities` together. Default 10 s. */
  timeoutMs?: number
  /** Default limit for each later command. Default 10 s. */
  commandTimeoutMs?: number
}

export interface QmpExecuteOptions {
  /** Limit for this command; overrides the client's default. */
  timeoutMs?: number
}

export interface QmpCloseInfo {
  /** True when this side called `close()`; false when QEMU went away (quit, exit, killed). */
  byClient: boolean
  /** The socket error that ended the connection, if any. */
  error?: Error
}

interface QmpClientEvents {
  event: [QmpEvent]
  close: [QmpCloseInfo]
}

type QmpListener = ((event: QmpEvent) => void) | ((info: QmpCloseInfo) => void)

interface Pending {
  command: string
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

const DEFAULT_TIMEOUT_MS = 10_000

/**
 * A client for one QMP connection over a UNIX socket. Commands carry ids and replies are
 * matched by id, so events interleaved with replies, and replies that arrive after their
 * command timed out, never confuse it. QEMU serves one client per QMP socket at a time.
 */
export class QmpClient {
  private readonly emitter = new EventEmitter()
  private readonly pending = new Map<number, Pending>()
  private readonly splitter = new LineSplitter()
  private nextId = 1
  private greeting: { version: QmpVersion; capabilities: string[] } | undefined
  private onGreeting: ((error?: Error) => void) | undefined
  private closeInfo: QmpCloseInfo | undefined
  private closing = false
  private commandTimeoutMs = DEFAULT_TIMEOUT_MS

  /** Resolves once the connection is gone, whoever closed it. */
  readonly closed: Promise<QmpCloseInfo>

  private constructor(
    readonly socketPath: string,
    private readonly socket: Socket,
  ) {
    let resolveClosed: (info: QmpCloseInfo) => void = () => {}
    this.closed = new Promise((resolve) => (resolveClosed = resolve))
    let socketError: Error | undefined
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.receive(chunk))
    socket.on('error', (error) => (socketError = error))
    socket.on('close', () => {
      const info: QmpCloseInfo = { byClient: this.closing }
      if (socketError !== undefined) info.error = socketError
      this.closeInfo = info
      this.onGreeting?.(socketError ?? new Error('closed'))
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer)
        this.pending.delete(id)
        p.reject(
          this.closing
            ? new VireoError(
                'NOT_RUNNING',
                msg('error.qmp.closedBeforeAnswer', { command: p.command }),
              )
            : new VireoError(
                'NOT_RUNNING',
                msg('error.qmp.qemuClosed', { command: p.command }),
                msg('error.qmp.qemuClosedHint'),
                { command: p.command },
              ),
        )
      }
      resolveClosed(info)
      this.emitter.emit('close', info)
    })
  }

  /**
   * Connects to QEMU's QMP socket, reads the greeting and leaves negotiation mode. The whole
   * handshake shares one deadline: a QMP socket another client already holds never greets, so
   * it ends in TIMEOUT.
   */
  static async connect(socketPath: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const deadline = Date.now() + timeoutMs
    const client = new QmpClient(socketPath, createConnection(socketPath))
    client.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS
    try {
      await client.waitForGreeting(timeoutMs)
      await client.execute('qmp_capabilities', undefined, {
        timeoutMs: Math.max(1, deadline - Date.now()),
      })
      return client
    } catch (error) {
      client.close()
      throw error
    }
  }

  /** QEMU's version, from the greeting. */
  get version(): QmpVersion {
    return this.greeting?.version ?? { major: 0, minor: 0, micro: 0, package: '' }
  }

  /** The capabilities QEMU offered in its greeting (e.g. `oob`); none are enabled. */
  get capabilities(): readonly string[] {
    return this.greeting?.capabilities ?? []
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined && !this.closing
  }

  /**
   * Runs one QMP command and resolves with its `return` value. An `error` reply becomes
   * QMP_ERROR, no reply in time becomes TIMEOUT, a connection that ends first NOT_RUNNING.
   * `T` is what the caller expects QEMU to return; it is not checked here.
   */
  execute<T = unknown>(
    command: string,
    args?: Record<string, unknown>,
    options: QmpExecuteOptions = {},
  ): Promise<T> {
    if (!this.isOpen) {
      return Promise.reject(
        new VireoError('NOT_RUNNING', msg('error.qmp.notSent', { command })),
      )
    }
    const id = this.nextId++
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(
          new VireoError(
            'TIMEOUT',
            msg('error.qmp.noAnswer', { command, time: formatMs(timeoutMs) }),
            msg('error.qmp.noAnswerHint'),
            { command },
          ),
        )
      }, timeoutMs)
      this.pending.set(id, { command, resolve: (v) => resolve(v as T), reject, timer })
      this.socket.write(formatQmpCommand(command, args, id))
    })
  }

  on(name: 'event', listener: (event: QmpEvent) => void): this
  on(name: 'close', listener: (info: QmpCloseInfo) => void): this
  on(name: keyof QmpClientEvents, listener: QmpListener): this {
    this.emitter.on(name, listener)
    return this
  }

  once(name: 'event', listener: (event: QmpEvent) => void): this
  once(name: 'close', listener: (info: QmpCloseInfo) => void): this
  once(name: keyof QmpClientEvents, listener: QmpListener): this {
    this.emitter.once(name, listener)
    return this
  }

  off(name: 'event', listener: (event: QmpEvent) => void): this
  off(name: 'close', listener: (info: QmpCloseInfo) => void): this
  off(name: keyof QmpClientEvents, listener: QmpListener): this {
    this.emitter.off(name, listener)
    return this
  }

  /** Closes the connection; pending commands fail with NOT_RUNNING and `close` follows. */
  close(): void {
    if (this.closeInfo !== undefined) return
    this.closing = true
    this.socket.destroy()
  }

  private waitForGreeting(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onGreeting = undefined
        reject(
          new VireoError(
            'TIMEOUT',
            msg('error.qmp.noGreeting', { path: this.socketPath, time: formatMs(timeoutMs) }),
            msg('error.qmp.noGreetingHint'),
          ),
        )
      }, timeoutMs)
      this.onGreeting = (error) => {
        clearTimeout(timer)
        this.onGreeting = undefined
        if (error === undefined) resolve()
        else reject(connectError(this.socketPath, error))
      }
    })
  }

  private receive(chunk: string): void {
    let lines: string[]
    try {
      lines = this.splitter.push(chunk)
    } catch (error) {
      this.socket.destroy(error instanceof Error ? error : new Error(String(error)))
      return
    }
    for (const line of lines) {
      const message = parseQmpLine(line)
      if (message !== null) this.dispatch(message)
    }
  }

  private dispatch(message: QmpMessage): void {
    switch (message.kind) {
      case 'greeting':
        this.greeting ??= { version: message.version, capabilities: message.capabilities }
        this.onGreeting?.()
        return
      case 'event': {
        const { kind: _kind, ...event } = message
        try {
          this.emitter.emit('event', event)
        } catch (error) {
          // A listener's bug must not stop this connection from reading: report it as Node would.
          process.nextTick(() => {
            throw error
          })
        }
        return
      }
      case 'return':
      case 'error': {
        // Replies without one of our ids (or to a command that already timed out) are dropped.
        const p = typeof message.id === 'number' ? this.pending.get(message.id) : undefined
        if (p === undefined || typeof message.id !== 'number') return
        this.pending.delete(message.id)
        clearTimeout(p.timer)
        if (message.kind === 'return') p.resolve(message.value)
        else {
          p.reject(
            new VireoError(
              'QMP_ERROR',
              msg('error.qmp.refused', { command: p.command, desc: message.desc, class: message.errorClass }),
              undefined,
              { command: p.command, class: message.errorClass, desc: message.desc },
            ),
          )
        }
      }
    }
  }
}

function connectError(socketPath: string, error: Error): VireoError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') {
    return new VireoError(
      'NOT_RUNNING',
      msg('error.qmp.noSocket', { path: socketPath }),
      msg('error.qmp.noSocketHint'),
    )
  }
  if (code === 'ECONNREFUSED') {
    return new VireoError(
      'NOT_RUNNING',
      msg('error.qmp.nothingAnswers', { path: socketPath }),
      msg('error.qmp.nothingAnswersHint'),
    )
  }
  if (code === undefined) {
    return new VireoError(
      'NOT_RUNNING',
      msg('error.qmp.closedBeforeGreeting', { path: socketPath }),
      msg('error.qmp.closedBeforeGreetingHint'),
    )
  }
  return new VireoError('QMP_ERROR', msg('error.qmp.cannotConnect', { path: socketPath, reason: error.message }))
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`
}
