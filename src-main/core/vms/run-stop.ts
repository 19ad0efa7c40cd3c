import type { StopRecord } from './vm-state'

/** The data of QEMU's SHUTDOWN event (`guest`, `reason`: guest-shutdown, host-qmp-quit, …). */
export interface ShutdownEvent {
  guest?: unknown
  reason?: unknown
}

/** What was seen of one run of QEMU by the time it ended. */
export interface RunObservations {
  /** Vireo asked QEMU to quit (Force off); set before `quit` is sent. */
  forced: boolean
  /** Vireo pressed the guest's ACPI power button (Shut down) and saw QEMU exit. */
  powerdown: boolean
  /** QEMU's SHUTDOWN event, when the event connection saw it. */
  shutdown?: ShutdownEvent
}

/**
 * Why a run ended, from everything seen of it, whatever order it was seen in: a Force off is
 * forced even if the guest was asked to power off meanwhile, or the event is late or missing;
 * else QEMU's own SHUTDOWN reason; else a powerdown seen to end in an exit; else a crash.
 */
export function stopReason(seen: RunObservations): StopRecord['reason'] {
  if (seen.forced) return 'forced'
  if (seen.shutdown !== undefined) {
    switch (seen.shutdown.reason) {
      case 'guest-shutdown':
        return 'guest-shutdown'
      case 'guest-panic':
        return 'crashed'
      case 'host-signal':
        return 'host-signal'
      default:
        // host-qmp-quit from another QMP client (`vireo stop` elsewhere), host-ui, …
        return 'forced'
    }
  }
  return seen.powerdown ? 'guest-shutdown' : 'crashed'
}

/**
 * One run of a VM's QEMU (one pid): what was seen of it, and who records its end. Several
 * observers see a run end (the event connection closing, the poll, Shut down's and Force
 * off's wait for the exit); the first to claim it records it, once, with the reason all of
 * them together tell. An observer of an earlier run never touches a later one.
 */
export class RunStop implements RunObservations {
  forced = false
  powerdown = false
  shutdown?: ShutdownEvent
  private claimed = false
  private settle: () => void = () => {}
  /** Resolves once the claimant has recorded the stop. */
  readonly recorded: Promise<void> = new Promise((resolve) => (this.settle = resolve))

  constructor(readonly pid: number) {}

  /** True for the first caller only, which must record the stop and then call `done()`. */
  claim(): boolean {
    if (this.claimed) return false
    this.claimed = true
    return true
  }

  done(): void {
    this.settle()
  }

  get reason(): StopRecord['reason'] {
    return stopReason(this)
  }
}
