import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { VireoError } from '../errors'
import { QmpClient, type QmpCloseInfo, type QmpEvent } from './qmp-client'
import { vireoError } from '../testing/rejections'
import { killAllQemu, startQemu, type TestQemu } from './testing/qemu-fixture'

const clients: QmpClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await killAllQemu()
})

/** A QEMU with no machine at all: QMP works, nothing is emulated. */
async function qemuWithQmp(): Promise<{ qemu: TestQemu; socket: string }> {
  const qemu = await startQemu(
    (dir) => [
      '-machine',
      'none',
      '-nodefaults',
      '-display',
      'none',
      '-qmp',
      `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
    ],
    ['qmp.sock'],
  )
  return { qemu, socket: join(qemu.dir, 'qmp.sock') }
}

async function connect(socket: string, timeoutMs = 5000): Promise<QmpClient> {
  const client = await QmpClient.connect(socket, { timeoutMs })
  clients.push(client)
  return client
}

function nextEvent(client: QmpClient, name: string, timeoutMs = 5000): Promise<QmpEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), timeoutMs)
    const listener = (e: QmpEvent): void => {
      if (e.event !== name) return
      clearTimeout(timer)
      client.off('event', listener)
      resolve(e)
    }
    client.on('event', listener)
  })
}

const installedVersion = /version (\d+)\.(\d+)\.(\d+)/.exec(
  execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }),
)

describe('QmpClient against a real QEMU', () => {
  it('greets, negotiates capabilities and answers query-status and query-version', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    expect(client.isOpen).toBe(true)
    expect(client.version.major).toBe(Number(installedVersion?.[1]))
    expect(client.version.minor).toBe(Number(installedVersion?.[2]))
    expect(client.version.micro).toBe(Number(installedVersion?.[3]))
    const status = await client.execute<{ status: string; running: boolean }>('query-status')
    expect(typeof status.status).toBe('string')
    expect(typeof status.running).toBe('boolean')
    const version = await client.execute<{ qemu: { major: number } }>('query-version')
    expect(version.qemu.major).toBe(client.version.major)
  })

  it('matches concurrent replies to their commands by id', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    const [status, version, name, bad] = await Promise.allSettled([
      client.execute<{ status: string }>('query-status'),
      client.execute<{ qemu: { major: number } }>('query-version'),
      client.execute<Record<string, unknown>>('query-name'),
      client.execute('no-such-command'),
    ])
    expect(status.status === 'fulfilled' && typeof status.value.status).toBe('string')
    expect(version.status === 'fulfilled' && version.value.qemu.major).toBe(client.version.major)
    expect(name.status === 'fulfilled' && name.value).toEqual({})
    expect(bad.status).toBe('rejected')
  })

  it('turns an error reply into QMP_ERROR with the class and description', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    const error = await vireoError(client.execute('no-such-command'))
    expect(error.code).toBe('QMP_ERROR')
    expect(error.message).toContain('CommandNotFound')
    expect(error.details).toMatchObject({ command: 'no-such-command', class: 'CommandNotFound' })
    // The connection is still fine afterwards.
    await expect(client.execute('query-status')).resolves.toHaveProperty('status')
  })

  it('passes arguments and reports a bad one as QMP_ERROR', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    const error = await vireoError(client.execute('query-status', { bogus: 1 }))
    expect(error.code).toBe('QMP_ERROR')
    expect(error.details).toMatchObject({ class: 'GenericError' })
  })

  it('emits STOP and RESUME for stop and cont', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    const stopped = nextEvent(client, 'STOP')
    await client.execute('stop')
    const stop = await stopped
    expect(stop.data).toEqual({})
    expect(stop.timestamp.seconds).toBeGreaterThan(0)
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: false })
    const resumed = nextEvent(client, 'RESUME')
    await client.execute('cont')
    await resumed
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: true })
  })

  it('emits SHUTDOWN on quit, then close, and QEMU exits', async () => {
    const { qemu, socket } = await qemuWithQmp()
    const client = await connect(socket)
    const shutdown = nextEvent(client, 'SHUTDOWN')
    const closed = new Promise<QmpCloseInfo>((resolve) => client.on('close', resolve))
    // QEMU documents that its reply to quit may be lost to the exit ("a premature EOF would
    // not be unexpected"): either outcome is fine, but it must settle.
    const reply = await client.execute('quit').then(
      () => 'answered',
      (e: unknown) => (e instanceof VireoError ? e.code : 'other'),
    )
    expect(['answered', 'NOT_RUNNING']).toContain(reply)
    expect((await shutdown).data).toMatchObject({ guest: false, reason: 'host-qmp-quit' })
    expect((await closed).byClient).toBe(false)
    expect(client.isOpen).toBe(false)
    expect(await qemu.exited).toBe(0)
    const error = await vireoError(client.execute('query-status'))
    expect(error.code).toBe('NOT_RUNNING')
  })

  it('times out on a hung QEMU and stays in step once it answers again', async () => {
    const { qemu, socket } = await qemuWithQmp()
    const client = await connect(socket)
    process.kill(qemu.pid, 'SIGSTOP')
    try {
      const started = Date.now()
      const error = await vireoError(client.execute('query-name', undefined, { timeoutMs: 300 }))
      expect(error.code).toBe('TIMEOUT')
      expect(error.message).toContain('query-name')
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      process.kill(qemu.pid, 'SIGCONT')
    }
    // The late reply to query-name arrives first and must not be taken for this one.
    const status = await client.execute<Record<string, unknown>>('query-status')
    expect(status).toHaveProperty('status')
    const version = await client.execute<Record<string, unknown>>('query-version')
    expect(version).toHaveProperty('qemu')
  })

  it('on SIGKILL emits close and rejects pending commands with NOT_RUNNING', async () => {
    const { qemu, socket } = await qemuWithQmp()
    const client = await connect(socket)
    const closed = new Promise<QmpCloseInfo>((resolve) => client.on('close', resolve))
    process.kill(qemu.pid, 'SIGSTOP')
    const pending = client.execute('query-status', undefined, { timeoutMs: 10_000 })
    await new Promise((r) => setTimeout(r, 100))
    process.kill(qemu.pid, 'SIGKILL')
    const error = await vireoError(pending)
    expect(error.code).toBe('NOT_RUNNING')
    expect(error.message).toContain('query-status')
    expect((await closed).byClient).toBe(false)
    await expect(client.closed).resolves.toMatchObject({ byClient: false })
  })

  it('close() rejects pending commands and reports byClient', async () => {
    const { socket } = await qemuWithQmp()
    const client = await connect(socket)
    const closed = new Promise<QmpCloseInfo>((resolve) => client.on('close', resolve))
    const pending = client.execute('query-status')
    client.close()
    // The reply may or may not have been read already; either way the promise settles.
    const outcome = await pending.then(
      () => 'answered',
      (e: unknown) => (e instanceof VireoError ? e.code : 'other'),
    )
    expect(['answered', 'NOT_RUNNING']).toContain(outcome)
    expect((await closed).byClient).toBe(true)
    const error = await vireoError(client.execute('query-status'))
    expect(error.code).toBe('NOT_RUNNING')
  })

  it('can connect again after the first client leaves', async () => {
    const { socket } = await qemuWithQmp()
    const first = await connect(socket)
    first.close()
    await first.closed
    const second = await connect(socket)
    await expect(second.execute('query-status')).resolves.toHaveProperty('status')
  })

  it('times out when another client holds the QMP connection', async () => {
    const { socket } = await qemuWithQmp()
    await connect(socket)
    const error = await vireoError(QmpClient.connect(socket, { timeoutMs: 500 }))
    expect(error.code).toBe('TIMEOUT')
    expect(error.hint).toContain('one at a time')
  })

  it('says clearly that a missing socket means the VM is not running', async () => {
    const error = await vireoError(
      QmpClient.connect('/nonexistent/vireo/qmp.sock', { timeoutMs: 1000 }),
    )
    expect(error.code).toBe('NOT_RUNNING')
    expect(error.message).toContain('/nonexistent/vireo/qmp.sock')
  })

  it('says clearly that a socket left behind by a dead QEMU has nobody behind it', async () => {
    const { qemu, socket } = await qemuWithQmp()
    process.kill(qemu.pid, 'SIGKILL')
    await qemu.exited
    const error = await vireoError(QmpClient.connect(socket, { timeoutMs: 1000 }))
    expect(error.code).toBe('NOT_RUNNING')
    expect(error.message).toContain('Nothing answers')
  })
})
