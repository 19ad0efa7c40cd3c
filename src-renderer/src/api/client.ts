import { i18n } from '../i18n/i18n'
import { IpcTransport } from './ipc-transport'
import type { ConnectionStatus, Transport } from './transport'
import type { ApiClient, EventName, Events, Input, MethodName, Result } from './types'
import { WsTransport, type TransportFailure } from './ws-transport'

/** The one API client of the renderer, whatever carries it (Electron IPC or a WebSocket). */
export interface VireoClient extends ApiClient {
  readonly connection: ConnectionStatus
  onConnection(listener: (status: ConnectionStatus) => void): () => void
  /** The console WebSocket URL for a `consoleEndpoint` path. */
  consoleUrl(path: string): string
  /** A dropped file's path on the host, where the platform tells it (Electron). */
  pathForFile(file: File): string | null
  /** The native open-file dialog (Electron); null where there is none (web: browse the host). */
  readonly chooseFile: ((kind: 'iso' | 'disk') => Promise<string | null>) | null
}

export function createClient(transport: Transport): VireoClient {
  return {
    call<M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>> {
      return transport.invoke(method, params) as Promise<Result<M>>
    },
    subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      return transport.subscribe(event, (payload) => listener(payload as Events[E]))
    },
    get connection() {
      return transport.status
    },
    onConnection: (listener) => transport.onStatus(listener),
    consoleUrl: (path) => transport.consoleUrl(path),
    chooseFile: window.vireo?.chooseFile ?? null,
    pathForFile(file) {
      const bridged = window.vireo?.pathForFile?.(file)
      if (bridged) return bridged
      const legacy = (file as File & { path?: unknown }).path
      return typeof legacy === 'string' && legacy !== '' ? legacy : null
    },
  }
}

/**
 * `ws://host/api`. The web host's HttpOnly cookie authenticates it: the page's first load
 * moved the token from its URL into that cookie and redirected to an address without it.
 */
export function apiUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${wsOrigin(location)}/api`
}

export function wsOrigin(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`
}

function describe(failure: TransportFailure) {
  return {
    code: 'TIMEOUT' as const,
    message: i18n.t(`connection.${failure}.message`),
    hint: i18n.t(`connection.${failure}.hint`),
  }
}

function createDefaultTransport(): Transport {
  if (window.vireo !== undefined) return new IpcTransport(window.vireo)
  return new WsTransport({ url: apiUrl(location), consoleBase: wsOrigin(location), describe })
}

export const api: VireoClient = createClient(createDefaultTransport())
