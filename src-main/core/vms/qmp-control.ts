import { VireoError, msg } from '../errors'
import { QmpClient } from '../qmp/qmp-client'

/**
 * Short QMP commands over each VM's control socket (`ctl.sock`), which any front end may use:
 * a connection per command, and one command at a time per VM (QEMU serves one client per
 * monitor socket), so commands from one front end never turn each other away.
 */
export class QmpControl {
  private readonly queue = new Map<string, Promise<unknown>>()

  /** Runs `command` on the VM `id` whose control socket is `socket`, after its earlier ones. */
  run<T>(id: string, socket: string, command: string, args: Record<string, unknown> | undefined, timeoutMs: number): Promise<T> {
    const previous = this.queue.get(id) ?? Promise.resolve()
    const run = previous.catch(() => {}).then(async () => {
      let qmp: QmpClient
      try {
        qmp = await QmpClient.connect(socket, { timeoutMs })
      } catch (error) {
        if (error instanceof VireoError && error.code === 'TIMEOUT') throw qemuNotAnswering(timeoutMs)
        throw new VireoError('NOT_RUNNING', msg('error.vm.notRunning'), msg('error.vm.startFirst'))
      }
      try {
        return await qmp.execute<T>(command, args, { timeoutMs })
      } finally {
        qmp.close()
      }
    })
    this.queue.set(id, run)
    return run
  }
}

function qemuNotAnswering(timeoutMs: number): VireoError {
  return new VireoError(
    'TIMEOUT',
    msg('error.vm.qmpTimeout', { seconds: Math.round(timeoutMs / 1000) }),
    msg('error.vm.qmpTimeoutHint'),
  )
}
