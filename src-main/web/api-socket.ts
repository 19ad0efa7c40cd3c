import type { WebSocket } from 'ws'
import type { Reply } from '../api/dispatch'
import { toErrorInfo } from '../core/errors'
import { callMessageSchema, forwardEvents, type EventSource, type ServerMessage } from '../api/wire'

const MAX_MESSAGE_BYTES = 1024 * 1024

/** Serves the API over one WebSocket: calls in, replies and events out. */
export function serveApiSocket(
  ws: WebSocket,
  dispatch: (method: unknown, params: unknown) => Promise<Reply>,
  events: EventSource,
): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const stop = forwardEvents(events, send)
  ws.on('close', stop)
  ws.on('error', stop)
  ws.on('message', (data, isBinary) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength
    if (isBinary || size > MAX_MESSAGE_BYTES) {
      ws.close(1003, 'text JSON messages of at most 1 MiB only')
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString())
    } catch {
      ws.close(1007, 'invalid JSON')
      return
    }
    const call = callMessageSchema.safeParse(parsed)
    if (!call.success) {
      ws.close(1008, 'not an API call message')
      return
    }
    const { id, method, params } = call.data
    // The dispatcher answers every call with a reply; should it ever reject, the caller still
    // gets one (INTERNAL), and the host carries on.
    void dispatch(method, params)
      .catch((error: unknown): Reply => ({ ok: false, error: toErrorInfo(error) }))
      .then((reply) => send({ type: 'reply', id, ...reply }))
  })
}
