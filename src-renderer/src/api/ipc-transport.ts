import { ApiError } from './api-error'
import type { VireoBridge } from '../env'
import type { ConnectionStatus, Transport } from './transport'

/** The API over Electron IPC, through the preload's bridge: always connected. */
export class IpcTransport implements Transport {
  readonly status: ConnectionStatus = 'open'

  constructor(private readonly bridge: VireoBridge) {}

  async invoke(method: string, params: unknown): Promise<unknown> {
    const reply = await this.bridge.invoke(method, params)
    if (reply.ok) return reply.result
    throw new ApiError(reply.error)
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    return this.bridge.subscribe(event, listener)
  }

  onStatus(): () => void {
    return () => undefined
  }

  consoleUrl(path: string): string {
    return /^wss?:\/\//.test(path) ? path : `${this.bridge.consoleBase ?? ''}${path}`
  }
}
