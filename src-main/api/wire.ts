import { z } from 'zod'
import type { ErrorInfo } from '../core/errors'
import { eventNames, type EventName, type Events } from './contract'

/**
 * The messages of the API WebSocket (JSON text frames). The client sends calls; the host
 * answers each with a reply of the same id, and pushes every event to every client.
 */
export const callMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  params: z.unknown().optional(),
})
export type CallMessage = z.infer<typeof callMessageSchema>

export type ReplyMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: ErrorInfo }

export interface EventMessage<E extends EventName = EventName> {
  type: 'event'
  event: E
  payload: Events[E]
}

export type ServerMessage = ReplyMessage | EventMessage

/** Anything that emits the API's events (the core's Vireo object does). */
export interface EventSource {
  /** Calls `listener` for each `event`; returns the unsubscribe. */
  subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** Subscribes to every API event at once; returns the unsubscribe. */
export function forwardEvents(source: EventSource, send: (message: EventMessage) => void): () => void {
  const unsubscribes = eventNames.map((event) =>
    source.subscribe(event, (payload) => send({ type: 'event', event, payload })),
  )
  return () => unsubscribes.forEach((off) => off())
}
