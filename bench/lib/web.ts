import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import type { Events, Input, MethodName, Results } from '../../src-main/api/contract'
import type { ServerMessage } from '../../src-main/api/wire'
import { webHostUrl } from '../../src-main/cli/testing/web-url'
import { onCleanup, trackPid, untrackPid } from './cleanup'
import { vireoEnv, type BenchContext } from './context'

export interface WebHostProcess {
  pid: number
  origin: string
  token: string
  process: ChildProcess
  /** Forces off every VM it runs, then stops the web host. */
  stop(): Promise<void>
}

/** `vireo web` from the built app on a free loopback port, with its own VIREO_HOME. */
export async function startWebHost(ctx: BenchContext, home: string): Promise<WebHostProcess> {
  const token = randomBytes(24).toString('base64url')
  const child = spawn(
    process.execPath,
    // `--token=…`: a base64url token may begin with '-', which would read as an option.
    [join(ctx.repo, 'bin', 'vireo.js'), 'web', '--host', '127.0.0.1', '--port', '0', `--token=${token}`],
    { cwd: ctx.repo, env: vireoEnv(ctx, home), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  trackPid(child.pid)
  const url = await webHostUrl(child)
  const host: WebHostProcess = {
    pid: child.pid!,
    origin: new URL(url).origin,
    token,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return
      await forceOffAll(host).catch(() => {})
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      })
      untrackPid(child.pid)
    },
  }
  onCleanup(host.stop)
  return host
}

async function forceOffAll(host: WebHostProcess): Promise<void> {
  const api = await ApiClient.connect(host)
  try {
    const vms = await api.call('listVms', {})
    await Promise.all(
      vms
        .filter((vm) => vm.state !== 'stopped' && vm.state !== 'crashed')
        .map((vm) => api.call('forceOffVm', { id: vm.id }).catch(() => null)),
    )
  } finally {
    api.close()
  }
}

type EventListener = (event: keyof Events, payload: unknown, at: number) => void

/** The API over the web host's WebSocket, as the renderer's client speaks it. */
export class ApiClient {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Set<EventListener>()

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const at = performance.now()
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.type === 'event') {
        for (const listener of this.listeners) listener(message.event, message.payload, at)
        return
      }
      const waiter = this.pending.get(message.id)
      if (waiter === undefined) return
      this.pending.delete(message.id)
      if (message.ok) waiter.resolve(message.result)
      else waiter.reject(new Error(`${message.error.code}: ${message.error.message}`))
    })
    ws.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('API connection closed'))
      this.pending.clear()
    })
  }

  static connect(host: Pick<WebHostProcess, 'origin' | 'token'>): Promise<ApiClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/api?token=${host.token}`)
      ws.once('open', () => resolve(new ApiClient(ws)))
      ws.once('error', reject)
    })
  }

  call<M extends MethodName>(method: M, params: Input<M>, timeoutMs = 120_000): Promise<Results[M]> {
    const id = this.nextId++
    return new Promise<Results[M]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${method} timed out`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v as Results[M])
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.ws.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves with the first event for which `match` is true. */
  waitForEvent<E extends keyof Events>(event: E, match: (payload: Events[E]) => boolean, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(new Error(`no ${event} within ${timeoutMs} ms`))
      }, timeoutMs)
      const off = this.onEvent((name, payload, at) => {
        if (name === event && match(payload as Events[E])) {
          clearTimeout(timer)
          off()
          resolve(at)
        }
      })
    })
  }

  close(): void {
    this.ws.close()
  }
}
