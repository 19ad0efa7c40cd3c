import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/**
 * A fresh token for a spawned `vireo web`, to pass in its environment as VIREO_TOKEN (never
 * on its command line, which it refuses): 32 random characters, the shortest it accepts.
 */
export function testWebToken(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Test support (not shipped): the URL a spawned `vireo web` prints once it listens
 * ("Vireo is running at http://…"). Rejects with what it printed if it exits or stays silent
 * for `timeoutMs`. Its output keeps draining afterwards, so it never blocks on a full pipe.
 */
export function webHostUrl(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  let output = ''
  return new Promise<string>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.stdout?.resume()
      child.stderr?.resume()
    }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const url = /running at (http:\/\/\S+)/.exec(output)?.[1]
      if (url === undefined) return
      done()
      resolve(url)
    }
    const onExit = (code: number | null): void => {
      done()
      reject(new Error(`vireo web exited with ${code}:\n${output}`))
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`vireo web did not start:\n${output}`))
    }, timeoutMs)
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
  })
}
