import { z } from 'zod'

/**
 * The wire format of QMP: one JSON object per line (QEMU ends lines with CRLF). Four kinds of
 * message come from QEMU: the greeting, a command's return, a command's error, and events.
 * Everything is validated here, so the client works with typed values only.
 */

export interface QmpVersion {
  major: number
  minor: number
  micro: number
  /** The distribution's package string, e.g. `Debian 1:7.2+dfsg-7`. May be empty. */
  package: string
}

export interface QmpTimestamp {
  seconds: number
  microseconds: number
}

export interface QmpEvent {
  event: string
  data: Record<string, unknown>
  timestamp: QmpTimestamp
}

export type QmpMessage =
  | { kind: 'greeting'; version: QmpVersion; capabilities: string[] }
  | { kind: 'return'; id: unknown; value: unknown }
  | { kind: 'error'; id: unknown; errorClass: string; desc: string }
  | ({ kind: 'event' } & QmpEvent)

/** Built on the first QMP line, not as the core loads: `vireo list` talks to no QEMU. */
function makeSchemas() {
  const greeting = z.object({
    QMP: z.object({
      version: z.object({
        qemu: z.object({ major: z.number(), minor: z.number(), micro: z.number() }),
        package: z.string().optional(),
      }),
      capabilities: z.array(z.string()).optional(),
    }),
  })

  const ret = z.object({ return: z.unknown(), id: z.unknown().optional() })

  const error = z.object({
    error: z.object({ class: z.string(), desc: z.string() }),
    id: z.unknown().optional(),
  })

  const event = z.object({
    event: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
    timestamp: z.object({ seconds: z.number(), microseconds: z.number() }).optional(),
  })
  return { greeting, ret, error, event }
}
let schemas: ReturnType<typeof makeSchemas> | undefined
const qmp = (): ReturnType<typeof makeSchemas> => (schemas ??= makeSchemas())

/** One line from QEMU as a typed message, or null for anything that is not valid QMP. */
export function parseQmpLine(line: string): QmpMessage | null {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null
  if ('QMP' in json) {
    const g = qmp().greeting.safeParse(json)
    if (!g.success) return null
    const { qemu, package: pkg } = g.data.QMP.version
    return {
      kind: 'greeting',
      version: { major: qemu.major, minor: qemu.minor, micro: qemu.micro, package: pkg ?? '' },
      capabilities: g.data.QMP.capabilities ?? [],
    }
  }
  if ('return' in json) {
    const r = qmp().ret.safeParse(json)
    return r.success ? { kind: 'return', id: r.data.id, value: r.data.return } : null
  }
  if ('error' in json) {
    const e = qmp().error.safeParse(json)
    if (!e.success) return null
    return { kind: 'error', id: e.data.id, errorClass: e.data.error.class, desc: e.data.error.desc }
  }
  if ('event' in json) {
    const ev = qmp().event.safeParse(json)
    if (!ev.success) return null
    return {
      kind: 'event',
      event: ev.data.event,
      data: ev.data.data ?? {},
      timestamp: ev.data.timestamp ?? { seconds: 0, microseconds: 0 },
    }
  }
  return null
}

/** One command as the line QEMU expects. */
export function formatQmpCommand(
  command: string,
  args: Record<string, unknown> | undefined,
  id: number,
): string {
  const request =
    args === undefined ? { execute: command, id } : { execute: command, arguments: args, id }
  return `${JSON.stringify(request)}\n`
}

/**
 * Splits a stream of text into lines, whatever the chunk boundaries: a chunk may hold half a
 * message, or several. Feed it strings already decoded as UTF-8 (a socket with
 * `setEncoding('utf8')` never splits a character across chunks).
 */
export class LineSplitter {
  private buffer = ''

  constructor(private readonly maxLineLength = 64 * 1024 * 1024) {}

  /** The complete, non-blank lines that `chunk` finishes; the rest waits for the next chunk. */
  push(chunk: string): string[] {
    this.buffer += chunk
    const parts = this.buffer.split('\n')
    this.buffer = parts.pop() ?? ''
    if (this.buffer.length > this.maxLineLength) {
      this.buffer = ''
      throw new Error(`A QMP message is longer than ${this.maxLineLength} characters.`)
    }
    return parts.map((p) => p.trim()).filter((p) => p !== '')
  }
}
