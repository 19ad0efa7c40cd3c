import { join } from 'node:path'

/**
 * A VM's files in the runtime folder while it runs (sockets, pidfile, what the start
 * recorded), in one place: the supervisor, the command line and the benchmarks use these.
 */
export function vmRuntimeFiles(runtimeRoot: string, id: string): RuntimeFiles {
  const dir = join(runtimeRoot, id)
  return {
    dir,
    qmpSocket: join(dir, 'qmp.sock'),
    ctlSocket: join(dir, 'ctl.sock'),
    vncSocket: join(dir, 'vnc.sock'),
    agentSocket: join(dir, 'agent.sock'),
    pidFile: join(dir, 'qemu.pid'),
    tpmSocket: join(dir, 'tpm.sock'),
    tpmPidFile: join(dir, 'swtpm.pid'),
    launchFile: join(dir, 'launch.json'),
    lastStopFile: join(dir, 'last-stop.json'),
    lockFile: join(dir, 'start.lock'),
  }
}

/** A VM's runtime folder and the files in it. */
export interface RuntimeFiles {
  dir: string
  /** QMP for the front end that watches events (one long-lived connection). */
  qmpSocket: string
  /** QMP for short commands from any front end (the CLI, a second window). */
  ctlSocket: string
  vncSocket: string
  /** The QEMU guest agent's channel (virtio-serial port org.qemu.guest_agent.0). */
  agentSocket: string
  pidFile: string
  /** swtpm's control socket (QEMU connects to it) and pidfile, for a VM with a TPM. */
  tpmSocket: string
  tpmPidFile: string
  launchFile: string
  lastStopFile: string
  lockFile: string
}
