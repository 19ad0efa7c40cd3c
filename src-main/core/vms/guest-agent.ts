import { randomInt } from 'node:crypto'
import { createConnection, type Socket } from 'node:net'

/**
 * A client of the QEMU guest agent (qemu-ga in the guest) over the VM's agent socket
 * (`agent.sock`, the virtio-serial port org.qemu.guest_agent.0; see qemu-args.ts).
 *
 * The guest is not trusted to behave: it may run no agent (QEMU accepts the connection and
 * nothing ever answers), a broken one (garbage), or a hostile one (an endless line). So every
 * call has a deadline, the bytes kept are bounded, and any misbehaviour ends the call with an
 * AgentError that callers turn into their fallback (ACPI for Shut down and Reboot, "no agent"
 * in the details). Nothing user-facing is said from here.
 *
 * The wire format is QMP's: one JSON object per line. Each call opens its own connection and
 * first resynchronises with `guest-sync-delimited` (the agent answers with a 0xFF byte before
 * the reply, so what a previous client left in the channel is skipped up to that byte). QEMU's
 * socket takes one client at a time, so calls on one socket run one after the other.
 */
export class AgentError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout' | 'garbage' | 'flood' | 'refused',
    detail: string,
  ) {
    super(`guest agent ${reason}: ${detail}`)
  }
}

/** The most an answer may hold (a guest with many interfaces answers a few KiB). */
export const AGENT_MAX_BYTES = 256 * 1024
export const AGENT_TIMEOUT_MS = 3000

export interface AgentCallOptions {
  timeoutMs?: number
  /** The command answers nothing on success (guest-shutdown): done once it is sent. */
  noReply?: boolean
}

const queues = new Map<string, Promise<unknown>>()

/** One command to the guest agent on `socket`, after a resync; its `return` value. */
export function agentCall<T>(
  socket: string,
  command: string,
  args?: Record<string, unknown>,
  options: AgentCallOptions = {},
): Promise<T> {
  const before = queues.get(socket) ?? Promise.resolve()
  const call = before.catch(() => {}).then(() => callOnce<T>(socket, command, args, options))
  const tail = call.catch(() => {})
  queues.set(socket, tail)
  void tail.then(() => {
    if (queues.get(socket) === tail) queues.delete(socket)
  })
  return call
}

function callOnce<T>(
  socketPath: string,
  command: string,
  args: Record<string, unknown> | undefined,
  { timeoutMs = AGENT_TIMEOUT_MS, noReply = false }: AgentCallOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const syncId = randomInt(1, 2 ** 31)
    let buffer = Buffer.alloc(0)
    let marked = false
    let synced = false
    let settled = false
    const socket: Socket = createConnection(socketPath)

    const finish = (error: AgentError | null, value?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(value as T)
    }
    const timer = setTimeout(() => finish(new AgentError('timeout', `${command}: no answer in ${timeoutMs} ms`)), timeoutMs)

    const send = (message: object): void => {
      socket.write(JSON.stringify(message) + '\n')
    }

    socket.on('connect', () => {
      // 0xFF first: an agent halfway through a line from an earlier client drops it.
      socket.write(Buffer.from([0xff]))
      send({ execute: 'guest-sync-delimited', arguments: { id: syncId } })
    })
    socket.on('error', (e) => finish(new AgentError('unreachable', e.message)))
    socket.on('close', () => finish(new AgentError('unreachable', 'the agent channel closed')))
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (!marked) {
        // Everything before the agent's 0xFF is what an earlier client left unread.
        const mark = buffer.lastIndexOf(0xff)
        if (mark < 0) {
          if (buffer.length > AGENT_MAX_BYTES) return finish(new AgentError('flood', 'no sync mark'))
          buffer = Buffer.alloc(0)
          return
        }
        buffer = buffer.subarray(mark + 1)
        marked = true
      }
      for (;;) {
        const end = buffer.indexOf(0x0a)
        if (end < 0) break
        const line = buffer.subarray(0, end).toString('utf8').trim()
        buffer = buffer.subarray(end + 1)
        if (line === '') continue
        const answer = parseAnswer(line)
        if (answer === null) return finish(new AgentError('garbage', line.slice(0, 80)))
        if (!synced) {
          if (answer.error !== undefined || answer.value !== syncId) {
            return finish(new AgentError('garbage', `sync answered ${line.slice(0, 80)}`))
          }
          synced = true
          send(args === undefined ? { execute: command } : { execute: command, arguments: args })
          if (noReply) {
            // guest-shutdown answers nothing: done once the bytes have left.
            socket.end(() => finish(null, undefined))
          }
          continue
        }
        if (answer.error !== undefined) return finish(new AgentError('refused', `${command}: ${answer.error}`))
        return finish(null, answer.value)
      }
      if (buffer.length > AGENT_MAX_BYTES) finish(new AgentError('flood', `${command}: answer over ${AGENT_MAX_BYTES} bytes`))
    })
  })
}

/** A `{"return": …}` or `{"error": {desc}}` line; null for anything else. */
function parseAnswer(line: string): { value?: unknown; error?: string } | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
  if ('return' in parsed) return { value: parsed.return }
  if ('error' in parsed) {
    const e = parsed.error as { desc?: unknown } | null
    return { error: typeof e?.desc === 'string' ? e.desc : 'error' }
  }
  return null
}
