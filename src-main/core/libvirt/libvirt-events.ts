import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { parseEventLine, type DomainEvent } from './domain-state'
import { SSH_ENV } from './virsh'

export interface EventFollowerOptions {
  uri: string
  /** A domain's lifecycle (or other) event, by domain name. */
  onEvent: (event: DomainEvent) => void
  /** The follower's link went up (true) or down (false, with what virsh said last). */
  onLink: (up: boolean, why: string) => void
  /** How long to wait before following again after the link went down. Default 5 s. */
  retryMs?: number
}

/**
 * libvirt's events, as they happen, from one long-lived `virsh -c URI event --all --loop
 * --timestamp` child (argv, no shell): changes are seen, not polled. When the child ends
 * (libvirtd stopped, the SSH link dropped) the link is reported down and followed again later.
 */
export class EventFollower {
  private child: ChildProcess | null = null
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(private readonly options: EventFollowerOptions) {}

  start(): void {
    if (this.stopped || this.child !== null) return
    const child = spawn('virsh', ['-c', this.options.uri, 'event', '--all', '--loop', '--timestamp'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', ...SSH_ENV },
    })
    this.child = child
    let stderr = ''
    let up = false
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseEventLine(line)
      if (event !== null) this.options.onEvent(event)
    })
    // virsh prints nothing until an event; a child still alive after a moment has connected.
    const upTimer = setTimeout(() => {
      up = true
      this.options.onLink(true, '')
    }, 1500)
    const ended = (why: string): void => {
      clearTimeout(upTimer)
      if (this.child !== child) return
      this.child = null
      if (this.stopped) return
      this.options.onLink(false, why || (up ? 'the event stream ended' : 'virsh could not connect'))
      this.timer = setTimeout(() => this.start(), this.options.retryMs ?? 5000)
      this.timer.unref()
    }
    child.on('error', (error) => ended(error.message))
    child.on('exit', () => ended(stderr.trim()))
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.child?.kill()
    this.child = null
  }
}
