import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

// A stand-in for the guest's side of the agent channel, misbehaving on purpose (FAULTS 34):
// QEMU's socket accepts a connection whether or not an agent runs in the guest, so each of
// these is what Vireo really meets. The well-behaved agent is proven in the e2e test.
const servers: Server[] = []
const dirs: string[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

export type Behaviour = (socket: Socket, request: { execute: string; arguments?: Record<string, unknown> }) => void

export function fakeAgent(behaviour: Behaviour): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vireo-agent-'))
  dirs.push(dir)
  const path = join(dir, 'agent.sock')
  const server = createServer((socket) => {
    let text = ''
    socket.on('error', () => {})
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1').replace(/\xff/g, '')
      let end
      while ((end = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, end)
        text = text.slice(end + 1)
        behaviour(socket, JSON.parse(line) as { execute: string })
      }
    })
  })
  servers.push(server)
  return new Promise((resolve) => server.listen(path, () => resolve(path)))
}

/** A correct agent: answers the sync with 0xFF first, and each command from `answers`. */
export function goodAgent(answers: Record<string, unknown>, seen: string[] = []): Behaviour {
  return (socket, req) => {
    seen.push(req.execute)
    if (req.execute === 'guest-sync-delimited') {
      // Left over from an earlier client, then the mark, then the answer.
      socket.write(Buffer.concat([Buffer.from('{"return": {}}\n'), Buffer.from([0xff]), Buffer.from(`{"return": ${req.arguments?.id}}\n`)]))
    } else if (req.execute !== 'guest-shutdown') {
      socket.write(JSON.stringify({ return: answers[req.execute] ?? {} }) + '\r\n')
    }
  }
}
