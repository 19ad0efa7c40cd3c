import { createServer } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that nothing holds right now, as the OS hands one out (listen on
 * port 0, then let go of it): for tests that need a port number of their own (a port
 * forward, a server), so that they never fail because something on the machine took a fixed one.
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no port was given')
  return address.port
}
