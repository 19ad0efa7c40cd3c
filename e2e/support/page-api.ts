import type { Page } from '@playwright/test'
import type { Input, MethodName, Results } from '../../src-main/api/contract'

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

/**
 * Calls Vireo's API from inside the page, the way the UI reaches it: through the preload's
 * bridge in Electron, or over the web host's `/api` WebSocket (the page's cookie is the
 * credential) in a browser. Lets a test read what the UI does not show, such as the serial log.
 */
export async function callApi<M extends MethodName>(
  page: Page,
  method: M,
  params: Input<M>,
): Promise<Results[M]> {
  const reply = await page.evaluate(
    async ({ method, params }): Promise<Reply> => {
      const scope = globalThis as unknown as {
        vireo?: { invoke(method: string, params: unknown): Promise<Reply> }
        location: { host: string; protocol: string }
        WebSocket: new (url: string) => {
          onopen: () => void
          onerror: () => void
          onmessage: (message: { data: string }) => void
          send(data: string): void
          close(): void
        }
      }
      if (scope.vireo !== undefined) return scope.vireo.invoke(method, params)
      const scheme = scope.location.protocol === 'https:' ? 'wss:' : 'ws:'
      const socket = new scope.WebSocket(`${scheme}//${scope.location.host}/api`)
      return new Promise<Reply>((resolve, reject) => {
        socket.onerror = () => reject(new Error('the API WebSocket failed'))
        socket.onopen = () => socket.send(JSON.stringify({ type: 'call', id: 1, method, params }))
        socket.onmessage = ({ data }) => {
          const message = JSON.parse(data) as { type: string; id?: number } & Reply
          if (message.type !== 'reply' || message.id !== 1) return
          socket.close()
          resolve(message)
        }
      })
    },
    { method, params: params as unknown },
  )
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`)
  return reply.result as Results[M]
}

/** The guest's serial output since the VM last started (its last `lines` lines). */
export async function serialLog(page: Page, id: string, lines = 400): Promise<string> {
  const { lines: tail } = await callApi(page, 'logTail', { id, log: 'serial', lines })
  return tail.join('\n')
}
