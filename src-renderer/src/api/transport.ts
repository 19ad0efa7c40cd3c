/** What the API client needs from a transport: calls, pushed events, connection state. */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting'

export interface Transport {
  /** Resolves with the result, or rejects with an ApiError. */
  invoke(method: string, params: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
  readonly status: ConnectionStatus
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** A console WebSocket URL for a path from `consoleEndpoint`. */
  consoleUrl(path: string): string
}
