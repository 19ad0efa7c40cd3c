// Over 300 lines: the one owner of QEMU processes and their QMP connections; its other parts already
// live beside it (runtime-reducer, launch-plan, reattach, runtime-records, start-lock).
import { EventEmitter } from 'node:events'
import { readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { VireoError, msg, type Message } from '../errors'
import { ensurePrivateDir } from '../private-dir'
import { QmpClient } from '../qmp/qmp-client'
import type { VmConfig } from './config'
import { logTail, prepareLaunch, presentFiles, spawnQemu, waitForQmp, type LaunchResult } from './launch'
import { planLaunch, type HostFacts, type LaunchPlan } from './launch-plan'
import { identifyQemu, isAlive, processUsage, waitForExit } from './qemu-process'
import { QmpControl } from './qmp-control'
import { findLive, recordUnseenStop } from './reattach'
import { helpersDown, startHelpers, stopHelpers, vmHelpers } from './helpers'
import { tpmStartFailure } from './tpm-failure'
import { RunStop } from './run-stop'
import { lockHeldByOther, withStartLock } from './start-lock'
import { reduceRuntime, type RuntimeInput, type StatusAnswer } from './runtime-reducer'
import { canMove, detailOf, type StopRecord, type VmRuntime, type VmState } from './vm-state'
import { agentPower } from './guest-agent-commands'
import { vmRuntimeFiles, type RuntimeFiles } from './runtime-files'
import { clearAfterStop, clearForLaunch, readLastStop, readLaunchRecord, writeLastStop, writeLaunchRecord, type LaunchRecord } from './runtime-records'

export type { VmRuntime } from './vm-state'

export interface SupervisorEvents {
  state: [id: string, runtime: VmRuntime]
  media: [id: string, cdrom: string | null]
  reset: [id: string]
}

export interface SupervisorOptions {
  /** The private runtime folder: one subfolder per VM for its sockets and pidfile. */
  runtimeRoot: string
  /** The folder runtimeRoot is made in, trusted but not Vireo's own (default: its parent). */
  runtimeBase?: string
  /** The VM's data folder (disks, qemu.log, serial.log). */
  vmDirOf: (id: string) => string
  hostFacts: () => Promise<HostFacts>
  /** Hold the QMP event connection and follow state live (long-lived front ends). */
  watch: boolean
  startTimeoutMs?: number
}

interface Tracked {
  runtime: VmRuntime
  watcher?: QmpClient
  /** The QEMU run being followed: what was seen of it, and who records its end. */
  run?: RunStop
  poll?: NodeJS.Timeout
}

// Over 300 lines: it still holds what needs the runs it tracks, which are one piece of state:
// starting a run, following it (event connection or poll) and recording its end once, and the
// lifecycle commands (shut down, force off, pause, media, screenshot) that are its public API.
// The records, re-attach, start lock, control queue and the reading of what QEMU says
// (runtime-reducer.ts) live in their own modules; following and ending a run could be next.

/**
 * Owns the lifecycle of every VM's QEMU process. QEMU runs detached, so VMs outlive the
 * front end; a front end that starts later re-attaches through the pidfile, checks that the
 * process really is that VM's QEMU, and re-queries its state. Commands go over a short-lived
 * QMP connection (`ctl.sock`) that any front end can use; the long-lived front ends (`watch`)
 * also hold the event connection (`qmp.sock`) and turn QMP events into state changes.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly tracked = new Map<string, Tracked>()
  private readonly starting = new Set<string>()
  private readonly control = new QmpControl()
  /** After dispose(), no event connection is opened again (a late status() must not). */
  private disposed = false

  private readonly runtimeRoot: string
  private readonly vmDirOf: (id: string) => string
  private readonly hostFacts: () => Promise<HostFacts>

  constructor(private readonly options: SupervisorOptions) {
    super()
    this.runtimeRoot = options.runtimeRoot
    this.vmDirOf = options.vmDirOf
    this.hostFacts = options.hostFacts
  }

  /** A folder of the runtime folder for what Vireo keeps between runs (disk-details.ts), and the folder it is made in. */
  runtimeFolder(name: string): { dir: string; base: string } {
    return { dir: join(this.runtimeRoot, name), base: this.options.runtimeBase ?? dirname(this.runtimeRoot) }
  }

  runtimeDir(id: string): string {
    return this.sockets(id).dir
  }

  /** The VM's sockets, pidfile and start records (runtime-files.ts). */
  private sockets(id: string): RuntimeFiles {
    return vmRuntimeFiles(this.runtimeRoot, id)
  }

  agentSocket(id: string): string {
    return this.sockets(id).agentSocket
  }

  vncSocket(id: string): string {
    return this.sockets(id).vncSocket
  }

  /** The VM's current runtime state, re-attaching to a QEMU started elsewhere. */
  async status(id: string): Promise<VmRuntime> {
    if (this.starting.has(id)) return { state: 'starting' }
    return this.withHelpers(id, await this.observed(id))
  }

  /** A running VM's helpers that have died (FAULTS 31): the runtime says which. */
  private async withHelpers(id: string, runtime: VmRuntime): Promise<VmRuntime> {
    const { helpersDown: _, ...rest } = runtime
    if (runtime.state === 'stopped' || runtime.state === 'crashed') return rest
    const names = (await readLaunchRecord(this.sockets(id))).helpers ?? []
    const helpers = vmHelpers(this.sockets(id)).filter((h) => names.includes(h.name))
    const down = await helpersDown(helpers)
    return down.length > 0 ? { ...rest, helpersDown: down } : rest
  }

  /** What the process and the pidfile say, whether or not a start is under way here. */
  private async observed(id: string): Promise<VmRuntime> {
    const known = this.tracked.get(id)
    if (known !== undefined && known.runtime.state !== 'stopped' && known.runtime.state !== 'crashed') {
      return known.runtime
    }
    const live = await findLive(this.sockets(id))
    if (live !== null) return this.attach(id, live)
    if (await lockHeldByOther(this.sockets(id).lockFile)) return { state: 'starting' }
    const unseen = await recordUnseenStop(this.sockets(id), join(this.vmDirOf(id), 'qemu.log'))
    if (unseen !== null && known !== undefined) {
      known.runtime = { state: unseen.reason === 'crashed' ? 'crashed' : 'stopped', lastStop: unseen }
    }
    if (known !== undefined) return known.runtime
    const last = await readLastStop(this.sockets(id))
    return { state: last.lastStop?.reason === 'crashed' ? 'crashed' : 'stopped', ...last }
  }

  private async attach(id: string, live: LaunchRecord): Promise<VmRuntime> {
    const entry: Tracked = this.tracked.get(id) ?? { runtime: { state: 'running' } }
    this.tracked.set(id, entry)
    if (entry.run?.pid !== live.pid) entry.run = new RunStop(live.pid)
    const answer = await this.ctl<StatusAnswer>(id, 'query-status').catch(() => null)
    entry.runtime = reduceRuntime(entry.runtime, { kind: 'found', live, answer }).runtime
    if (this.options.watch) await this.watch(id, live.pid)
    this.emit('state', id, entry.runtime)
    return entry.runtime
  }

  async start(config: VmConfig): Promise<VmRuntime> {
    const id = config.id
    if (this.starting.has(id)) throw alreadyRunning(msg('error.start.alreadyStarting', { name: config.name }))
    this.starting.add(id)
    try {
      const current = await this.observed(id)
      if (current.state !== 'stopped' && current.state !== 'crashed') {
        throw alreadyRunning(msg('error.start.already', { name: config.name, state: msg(`state.${current.state}`) }))
      }
      return await this.lockedStart(id, config.name, () => this.launch(config))
    } finally {
      this.starting.delete(id)
    }
  }

  /** A lock file shared by every front end, so that two processes never start one VM twice. */
  private async lockedStart<T>(id: string, name: string, fn: () => Promise<T>): Promise<T> {
    ensurePrivateDir(this.runtimeDir(id), this.options.runtimeBase ?? dirname(this.runtimeRoot))
    const stale = async (): Promise<void> => {
      const live = await findLive(this.sockets(id))
      if (live === null) return
      await this.attach(id, live)
      throw alreadyRunning(msg('error.start.alreadyRunning', { name }))
    }
    const busy = (): Error => alreadyRunning(msg('error.start.beingStarted', { name }))
    return withStartLock(this.sockets(id).lockFile, { busy, stale }, fn)
  }

  /**
   * The plan of a start of this VM now: what it would run, and what would stop it. `made`:
   * files that do not exist yet but will before it starts (a VM being created: its disks).
   */
  async plan(config: VmConfig, made: readonly string[] = []): Promise<LaunchPlan> {
    const vmDir = this.vmDirOf(config.id)
    const [host, present] = await Promise.all([this.hostFacts(), presentFiles(config, vmDir)])
    for (const path of made) present.add(path)
    return planLaunch({ config, host, vmDir, runtimeRoot: this.runtimeRoot, present })
  }

  private async launch(config: VmConfig): Promise<VmRuntime> {
    const id = config.id
    const vmDir = this.vmDirOf(id)
    const plan = await this.plan(config)
    const [problem] = plan.problems
    if (problem !== undefined) throw new VireoError(problem.code, problem.messageText ?? msg('error.verbatim', { text: problem.message }), problem.hintText, problem.details)
    if (plan.argv === null) throw new Error('a launch plan without problems has a command line')
    const [, ...args] = plan.argv
    const { accel, files: s } = plan
    await prepareLaunch(plan)
    await clearForLaunch(s)
    await startHelpers(plan.helpers)

    const entry: Tracked = { runtime: { state: 'stopped' } }
    this.tracked.get(id)?.watcher?.close()
    this.tracked.set(id, entry)
    this.setState(id, { state: 'starting' })
    const logFile = join(vmDir, 'qemu.log')
    let launch: LaunchResult | undefined
    let watcher: QmpClient
    try {
      launch = spawnQemu(args, logFile)
      watcher = await waitForQmp(s.qmpSocket, launch, logFile, this.options.startTimeoutMs ?? 30_000)
    } catch (error) {
      if (launch !== undefined && isAlive(launch.pid)) process.kill(launch.pid, 'SIGKILL')
      await stopHelpers(plan.helpers)
      this.setState(id, { state: 'stopped' })
      throw (await tpmStartFailure(plan, vmDir)) ?? error
    }
    entry.run = new RunStop(launch.pid)
    const identity = await identifyQemu(launch.pid, s.qmpSocket)
    const record: LaunchRecord = {
      pid: launch.pid,
      startTime: identity?.startTime ?? 0,
      accel,
      startedAt: new Date().toISOString(),
      ...(plan.helpers.length > 0 ? { helpers: plan.helpers.map((h) => h.name) } : {}),
    }
    await writeLaunchRecord(s, record)
    if (this.options.watch) this.listen(id, watcher, launch.pid)
    else watcher.close()
    this.setState(id, { state: 'running', pid: launch.pid, accel, startedAt: record.startedAt })
    return entry.runtime
  }

  private async watch(id: string, pid: number): Promise<void> {
    const entry = this.tracked.get(id)
    if (this.disposed || entry === undefined || entry.watcher !== undefined || entry.poll !== undefined) return
    try {
      const qmp = await QmpClient.connect(this.sockets(id).qmpSocket, { timeoutMs: 1500 })
      if (this.disposed) return qmp.close()
      this.listen(id, qmp, pid)
    } catch {
      // Another front end holds the event connection: follow the process instead.
      const run = entry.run
      entry.poll = setInterval(() => {
        if (!isAlive(pid) && run !== undefined) void this.finish(id, run)
      }, 1000)
      entry.poll.unref()
    }
  }

  private listen(id: string, qmp: QmpClient, pid: number): void {
    const entry = this.tracked.get(id)
    if (entry === undefined) return
    entry.watcher = qmp
    const run = entry.run?.pid === pid ? entry.run : undefined
    qmp.on('event', (e) => {
      if (e.event === 'SHUTDOWN' && run !== undefined) run.shutdown = e.data
      if (e.event === 'RESET') this.emit('reset', id)
      this.apply(id, { kind: 'event', event: e })
    })
    qmp.on('close', (info) => {
      if (!info.byClient && run !== undefined) void this.finish(id, run)
    })
  }

  /** QEMU is gone (or going): record why, tidy the runtime folder, and say so. */
  private async finish(id: string, run: RunStop): Promise<void> {
    const entry = this.tracked.get(id)
    if (entry === undefined || entry.run !== run) return
    if (entry.poll) clearInterval(entry.poll)
    entry.watcher = undefined
    entry.poll = undefined
    const pid = run.pid
    for (let i = 0; i < 50 && isAlive(pid) && (await identifyQemu(pid, this.sockets(id).qmpSocket)); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    await this.endRun(id, run)
  }

  /**
   * Records why `run` ended, once, and only while it is still the VM's current run: whoever
   * sees the end first records it, with the reason everything seen of the run gives (see
   * run-stop); an observer of an older run, late, never touches a newer one.
   */
  private async endRun(id: string, run: RunStop): Promise<void> {
    if (this.tracked.get(id)?.run !== run) return
    if (!run.claim()) return run.recorded
    try {
      const reason = run.reason
      const lastStop: StopRecord = { reason, at: new Date().toISOString() }
      if (reason === 'crashed') {
        lastStop.stderrTail = await logTail(join(this.vmDirOf(id), 'qemu.log'))
        Object.assign(lastStop, detailOf(msg('stop.crashed')))
      }
      await this.recordStop(id, lastStop)
    } finally {
      run.done()
    }
  }

  private async recordStop(id: string, lastStop: StopRecord): Promise<void> {
    const entry = this.tracked.get(id)
    if (entry === undefined) return
    await writeLastStop(this.sockets(id), lastStop)
    // swtpm ends by itself when QEMU's connection closes (--terminate); this is for one that did not.
    await stopHelpers(vmHelpers(this.sockets(id)))
    await clearAfterStop(this.sockets(id))
    this.setState(id, { state: lastStop.reason === 'crashed' ? 'crashed' : 'stopped', lastStop })
  }

  /** A move of the supervisor's own (starting, shutting down, stopped), if vm-state.ts allows it. */
  private setState(id: string, runtime: VmRuntime): void {
    const entry = this.tracked.get(id)
    if (entry === undefined) return
    if (!canMove(entry.runtime.state, runtime.state)) return illegalMove(id, entry.runtime.state, runtime.state)
    entry.runtime = runtime
    this.emit('state', id, runtime)
  }

  /** What QEMU said (an event, a status answer), applied to the VM's runtime by the reducer. */
  private apply(id: string, input: RuntimeInput): void {
    const entry = this.tracked.get(id)
    if (entry === undefined) return
    const step = reduceRuntime(entry.runtime, input)
    if (step.illegal !== undefined) return illegalMove(id, step.illegal.from, step.illegal.to)
    entry.runtime = step.runtime
    if (step.announce) this.emit('state', id, step.runtime)
  }

  /** One QMP command over the short-lived control connection, one at a time per VM. */
  async ctl<T>(id: string, command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    return this.control.run<T>(id, this.sockets(id).ctlSocket, command, args, timeoutMs)
  }

  private async requireRunning(id: string): Promise<VmRuntime> {
    const runtime = await this.status(id)
    if (runtime.state === 'stopped' || runtime.state === 'crashed' || runtime.pid === undefined) {
      throw new VireoError('NOT_RUNNING', msg('error.vm.notRunning'), msg('error.vm.startFirst'))
    }
    return runtime
  }

  /** Asks the guest to power off (ACPI power button) and waits for QEMU to exit. */
  async shutdown(id: string, timeoutMs: number): Promise<VmRuntime> {
    const runtime = await this.requireRunning(id)
    const pid = runtime.pid ?? 0
    const before = runtime.state
    this.setState(id, { ...runtime, state: 'shutting-down' })
    // Through the guest agent when one answers (a clean shutdown even where ACPI is ignored),
    // the ACPI power button when none does, or when the agent's shutdown does not happen.
    const byAgent = await agentPower(this.sockets(id).agentSocket, 'powerdown').then(() => true, () => false)
    // QEMU may have gone meanwhile (a Force off during the agent's try): then it only ends.
    const powerButton = (): Promise<void> =>
      this.ctl(id, 'system_powerdown').then(() => undefined, (error: unknown) => {
        if (isAlive(pid) && this.runOf(id, pid)?.forced !== true) throw error
      })
    if (!byAgent) await powerButton()
    let exited = await waitForExit(pid, byAgent ? timeoutMs / 2 : timeoutMs)
    if (!exited && byAgent) {
      await powerButton()
      exited = await waitForExit(pid, timeoutMs / 2)
    }
    if (exited) {
      const run = this.runOf(id, pid)
      if (run !== undefined) run.powerdown = true
      return this.afterExit(id, pid)
    }
    this.setState(id, { ...runtime, state: before })
    throw new VireoError(
      'TIMEOUT',
      msg('error.power.shutdownTimeout', { seconds: Math.round(timeoutMs / 1000) }),
      msg('error.power.shutdownTimeoutHint'),
    )
  }

  /** Pulls the plug: QEMU quits at once (disk caches flushed), SIGKILL if it does not. */
  async forceOff(id: string): Promise<VmRuntime> {
    const runtime = await this.requireRunning(id)
    const pid = runtime.pid ?? 0
    const run = this.runOf(id, pid)
    if (run !== undefined) run.forced = true
    await this.ctl(id, 'quit', undefined, 5000).catch(() => {})
    if (!(await waitForExit(pid, 5000))) {
      process.kill(pid, 'SIGKILL')
      await waitForExit(pid, 5000)
    }
    return this.afterExit(id, pid)
  }

  /** The run of QEMU `pid` this front end follows for the VM, if it follows that one. */
  private runOf(id: string, pid: number): RunStop | undefined {
    const run = this.tracked.get(id)?.run
    return run?.pid === pid ? run : undefined
  }

  /**
   * QEMU `pid` exited after Shut down or Force off: records the stop, unless another observer
   * has (the event connection, given a moment to bring QEMU's own word on it, records it more
   * precisely), and says how the VM is now.
   */
  private async afterExit(id: string, pid: number): Promise<VmRuntime> {
    const run = this.runOf(id, pid)
    if (run !== undefined) {
      if (this.tracked.get(id)?.watcher !== undefined) {
        await Promise.race([run.recorded, new Promise((r) => setTimeout(r, 2500))])
      }
      await this.endRun(id, run)
    }
    return this.status(id)
  }

  async reboot(id: string): Promise<void> {
    await this.requireRunning(id)
    const panicked = await this.panicked(id)
    // A running guest reboots itself through its agent (file systems synced and unmounted);
    // without an agent that answers, or after a panic, the reset button.
    if (!panicked && (await agentPower(this.sockets(id).agentSocket, 'reboot').then(() => true, () => false))) return
    await this.ctl(id, 'system_reset')
    // A crashed guest stays stopped through the reset until told to run.
    if (panicked) {
      await this.ctl(id, 'cont')
      await this.refresh(id)
    }
  }

  async pause(id: string): Promise<void> {
    await this.requireRunning(id)
    await this.ctl(id, 'stop')
    await this.refresh(id)
  }

  async resume(id: string): Promise<void> {
    await this.requireRunning(id)
    if (await this.panicked(id)) {
      throw new VireoError(
        'INVALID_STATE',
        msg('error.power.panicked'),
        msg('error.power.panickedHint'),
      )
    }
    await this.ctl(id, 'cont')
    await this.refresh(id)
  }

  /** Whether the guest crashed (QEMU's run state after `-action panic=pause`). */
  private async panicked(id: string): Promise<boolean> {
    return (await this.ctl<StatusAnswer>(id, 'query-status')).status === 'guest-panicked'
  }

  /** Re-reads the run state from QEMU (after a command, or when events may have been missed). */
  private async refresh(id: string): Promise<void> {
    if (!this.tracked.has(id)) return
    this.apply(id, { kind: 'status', answer: await this.ctl<StatusAnswer>(id, 'query-status') })
  }

  async eject(id: string): Promise<void> {
    await this.requireRunning(id)
    await this.ctl(id, 'eject', { id: 'cd0-dev', force: true })
  }

  async insert(id: string, iso: string): Promise<void> {
    await this.requireRunning(id)
    await this.ctl(id, 'blockdev-change-medium', { id: 'cd0-dev', filename: iso, format: 'raw', 'read-only-mode': 'read-only' })
  }

  /** A PNG of the VM's screen. */
  async screenshot(id: string): Promise<Buffer> {
    await this.requireRunning(id)
    const file = join(this.runtimeDir(id), `screen-${process.pid}-${Date.now()}.png`)
    try {
      await this.ctl(id, 'screendump', { filename: file, format: 'png' })
      return await readFile(file)
    } finally {
      await rm(file, { force: true })
    }
  }

  async usage(id: string): Promise<{ cpuTicks: number; rssBytes: number } | null> {
    const pid = this.tracked.get(id)?.runtime.pid
    return pid === undefined ? null : processUsage(pid)
  }

  /** Lets go of every QMP connection; the VMs keep running. */
  dispose(): void {
    this.disposed = true
    for (const entry of this.tracked.values()) {
      if (entry.poll) clearInterval(entry.poll)
      entry.watcher?.close()
    }
    this.tracked.clear()
  }
}

function illegalMove(id: string, from: VmState, to: VmState): void {
  console.warn(`vireo: ignored illegal state change of ${id}: ${from} → ${to}`)
}

function alreadyRunning(message: Message): VireoError {
  return new VireoError('ALREADY_RUNNING', message, msg('error.start.alreadyHint'))
}
