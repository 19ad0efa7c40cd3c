import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './api-error'
import { WsTransport } from './ws-transport'

/** A WebSocket double: the test opens, closes and answers it by hand. */
class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 3
  static all: FakeSocket[] = []
  readonly OPEN = 1
  readyState = FakeSocket.CONNECTING
  sent: { id: number; method: string; params: unknown }[] = []
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null

  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(text: string) {
    this.sent.push(JSON.parse(text) as FakeSocket['sent'][number])
  }
  close() {
    this.drop()
  }
  open() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  drop() {
    this.readyState = FakeSocket.CLOSED
    this.onclose?.()
  }
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket

function transport() {
  return new WsTransport({
    url: 'ws://host/api?token=t',
    consoleBase: 'ws://host',
    describe: (failure) => ({ code: 'TIMEOUT', message: failure, hint: 'wait' }),
    waitForConnectionMs: 1000,
    backoffMs: [100, 200],
    WebSocket: FakeSocket as unknown as typeof WebSocket,
  })
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.all = []
})
afterEach(() => vi.useRealTimers())

describe('WsTransport', () => {
  it('sends calls as JSON frames and resolves with the reply', async () => {
    const t = transport()
    latest().open()
    const result = t.invoke('listVms', {})
    expect(latest().sent).toEqual([{ type: 'call', id: 1, method: 'listVms', params: {} }])
    latest().push({ type: 'reply', id: 1, ok: true, result: [] })
    await expect(result).resolves.toEqual([])
  })

  it('rejects with the server error, code and hint kept', async () => {
    const t = transport()
    latest().open()
    const result = t.invoke('startVm', { id: 'x' })
    latest().push({
      type: 'reply',
      id: 1,
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No such VM', hint: 'Reload' },
    })
    const error = await result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No such VM', hint: 'Reload' })
  })

  it('delivers pushed events to subscribers', () => {
    const t = transport()
    latest().open()
    const seen: unknown[] = []
    const off = t.subscribe('vmRemoved', (payload) => seen.push(payload))
    latest().push({ type: 'event', event: 'vmRemoved', payload: { id: 'a' } })
    off()
    latest().push({ type: 'event', event: 'vmRemoved', payload: { id: 'b' } })
    expect(seen).toEqual([{ id: 'a' }])
  })

  it('holds calls made before the socket opens, then sends them', async () => {
    const t = transport()
    const result = t.invoke('hostCheck', {})
    expect(latest().sent).toEqual([])
    latest().open()
    expect(latest().sent).toHaveLength(1)
    latest().push({ type: 'reply', id: 1, ok: true, result: 'ok' })
    await expect(result).resolves.toBe('ok')
  })

  it('fails calls in flight when the socket drops, and reconnects with backoff', async () => {
    const t = transport()
    const statuses: string[] = []
    t.onStatus((s) => statuses.push(s))
    latest().open()
    const inFlight = t.invoke('shutdownVm', { id: 'x' })
    latest().drop()
    await expect(inFlight).rejects.toMatchObject({ code: 'TIMEOUT', message: 'connectionLost' })
    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(150)
    expect(FakeSocket.all).toHaveLength(2)
    latest().drop()
    vi.advanceTimersByTime(150)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(150)
    expect(FakeSocket.all).toHaveLength(3)
    latest().open()
    expect(statuses).toEqual(['open', 'reconnecting', 'open'])
  })

  it('lets a call wait for the reconnection, within a limit', async () => {
    const t = transport()
    latest().open()
    latest().drop()
    const waiting = t.invoke('listVms', {})
    vi.advanceTimersByTime(150)
    latest().open()
    latest().push({ type: 'reply', id: 1, ok: true, result: [1] })
    await expect(waiting).resolves.toEqual([1])

    latest().drop()
    const late = t.invoke('listVms', {})
    vi.advanceTimersByTime(1001)
    await expect(late).rejects.toMatchObject({ message: 'unavailable' })
  })

  it('resolves console paths against its origin, whole URLs as they are', () => {
    const t = transport()
    expect(t.consoleUrl('/console/a?token=x')).toBe('ws://host/console/a?token=x')
    expect(t.consoleUrl('ws://127.0.0.1:9/console/a')).toBe('ws://127.0.0.1:9/console/a')
  })
})
