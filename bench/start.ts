import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { VmDetails } from '../src-main/api/types'
import { resolvePaths } from '../src-main/core/paths'
import { vmRuntimeFiles } from '../src-main/core/vms/runtime-files'
import { homeDir, sized, vireoEnv, vireoJson, type BenchContext } from './lib/context'
import { startQemu } from './lib/qemu'
import type { Section } from './lib/report'
import { connectWhenListening, RfbClient } from './lib/rfb'
import { formatSeries, ratio, series, sleep } from './lib/stats'
import { importInstalled } from './lib/test-os'
import { ApiClient, startWebHost, type WebHostProcess } from './lib/web'

/** How often the hand-written baseline retries connecting to the VNC socket. */
const BASELINE_RETRY_MS = 10

interface VireoSample {
  /** QEMU spawned: the time in the header Vireo writes to qemu.log just before the spawn. */
  spawned: number
  /** The `starting` event arrived (when the console view opens the console). */
  startingAt: number
  /** QEMU bound its QMP and VNC sockets (their ctime). */
  qmpBound: number
  vncBound: number
  startReply: number
  endpointReply: number
  wsOpen: number
  handshake: number
  frameFirstByte: number
  firstFrame: number
}

interface HandSample {
  vncBound: number
  connect: number
  handshake: number
  frameFirstByte: number
  firstFrame: number
}

/**
 * Start overhead: the API's `startVm` until the first VNC framebuffer update arrives through
 * the console bridge, against the same argv spawned by hand with a direct connection to the
 * VNC UNIX socket. Both read the same first update (a non-incremental request, raw encoding).
 */
export async function startBench(ctx: BenchContext): Promise<Omit<Section, 'seconds'>> {
  const home = homeDir(ctx, 'home-start')
  const vm = await importInstalled(ctx, home, 'bench-start')
  const details = await vireoJson<VmDetails>(ctx, home, ['info', vm.id])
  const argv = details.argv
  if (argv === null) throw new Error('vireo info gave no argv')
  // Where Vireo puts the VM's sockets, as the core derives it (not parsed back out of argv).
  const runtime = vmRuntimeFiles(resolvePaths(vireoEnv(ctx, home)).runtime, vm.id)
  if (!argv.some((a) => a.includes(runtime.vncSocket))) throw new Error(`Vireo's argv does not use ${runtime.vncSocket} for VNC`)
  const vncSocket = runtime.vncSocket
  const runtimeDir = runtime.dir
  const host = await startWebHost(ctx, home)
  const api = await ApiClient.connect(host)
  try {
    await api.call('hostCheck', { refresh: false })
    const vireoRuns: VireoSample[] = []
    const handRuns: HandSample[] = []
    // One warm-up of each (page cache, the web host's JIT), not counted.
    for (let round = ctx.smoke ? 0 : -1; round < ctx.runs; round++) {
      const order = round % 2 === 0 ? ['vireo', 'hand'] : ['hand', 'vireo']
      for (const which of order) {
        if (which === 'vireo') {
          const sample = await viaVireo(api, host, vm.id, join(details.dir, 'qemu.log'), runtimeDir)
          if (round >= 0) vireoRuns.push(sample)
          ctx.log(`start vireo: ${sample.firstFrame.toFixed(0)} ms (startVm ${sample.startReply.toFixed(0)} ms)`)
        } else {
          const sample = await byHand(argv, vncSocket, runtimeDir, join(ctx.root, 'start-hand.log'))
          if (round >= 0) handRuns.push(sample)
          ctx.log(`start by hand: ${sample.firstFrame.toFixed(0)} ms`)
        }
        await sleep(sized(ctx, 1000, 200))
      }
    }
    const vireo = series(vireoRuns.map((s) => s.firstFrame))
    const hand = series(handRuns.map((s) => s.firstFrame))
    const r = ratio(vireo.median, hand.median)
    const phase = (f: (s: VireoSample) => number) => formatSeries(series(vireoRuns.map(f)), 'ms')
    const handPhase = (f: (s: HandSample) => number) => formatSeries(series(handRuns.map(f)), 'ms')
    const med = (xs: number[]) => series(xs).median
    const analysis = [
      `**${r <= 1.05 ? 'Goal met' : `Goal missed by ${((r / 1.05 - 1) * 100).toFixed(0)}%`}** (${r.toFixed(2)}× against ≤ 1.05×: Vireo's median is ${(vireo.median - hand.median).toFixed(0)} ms over the by-hand one; 1.05× allows ${(hand.median * 0.05).toFixed(0)} ms). Where the difference comes from, by the phase table (medians of per-run differences):`,
      [
        `- before the spawn: ${med(vireoRuns.map((s) => s.spawned)).toFixed(0)} ms (\`Supervisor.start\` → \`launch\` in \`src-main/core/vms/supervisor.ts\`: \`observed()\` probes the runtime files (pidfile, start lock, launch.json, last-stop.json), the start lock is created, \`checkFiles\` stats every disk and the ISO, five \`rm\`s of stale sockets, \`setState('starting')\` whose announce re-reads vm.json; only then \`spawnQemu\`);`,
        `- QEMU's own start-up, to binding its VNC socket, is the same in both (${med(vireoRuns.map((s) => s.vncBound - s.spawned)).toFixed(0)} ms after Vireo's spawn, ${med(handRuns.map((s) => s.vncBound)).toFixed(0)} ms by hand);`,
        `- the console: the \`starting\` event came ${med(vireoRuns.map((s) => s.startingAt)).toFixed(0)} ms after the call, and the console view's \`consoleEndpoint\` and WebSocket were open ${med(vireoRuns.map((s) => s.wsOpen)).toFixed(0)} ms after it, well before QEMU bound its VNC socket; the bridge then connected to that socket as soon as QEMU had bound it (\`core/console/vnc-when-ready.ts\`, retrying every 10 ms like the by-hand baseline), so neither \`startVm\`'s reply (${med(vireoRuns.map((s) => s.startReply - s.vncBound)).toFixed(0)} ms after the VNC socket was bound: QMP's greeting, \`qmp_capabilities\`, launch.json, the \`running\` announce) nor the console's round trips are on the path to the first frame;`,
        `- VNC socket bound → RFB greeting read through the bridge: ${med(vireoRuns.map((s) => s.handshake - s.vncBound)).toFixed(0)} ms through the bridge (handshake included) against ${med(handRuns.map((s) => s.handshake - s.vncBound)).toFixed(0)} ms direct;`,
        `- request → first byte of the frame: ${med(vireoRuns.map((s) => s.frameFirstByte - s.handshake)).toFixed(0)} ms against ${med(handRuns.map((s) => s.frameFirstByte - s.handshake)).toFixed(0)} ms. This is QEMU's VNC refresh timer: a new client resets it to 30 ms, and every tick with nothing to send adds 50 ms, so a request that arrives a few ms later (one more hop) can wait a whole extra tick. Sending the 1.15 MB raw frame took ${med(vireoRuns.map((s) => s.firstFrame - s.frameFirstByte)).toFixed(0)} ms through the bridge, ${med(handRuns.map((s) => s.firstFrame - s.frameFirstByte)).toFixed(0)} ms direct.`,
      ].join('\n'),
      'What is left (outside bench/): in `Supervisor.launch`, spawn before the `starting` announce and the `rm`s (QEMU unlinks a stale socket path itself before binding); reply once QMP has greeted and do the bookkeeping (`identifyQemu`, launch.json, announce) after; replace the 50 ms QMP poll with a watch on the runtime folder, or create the listening QMP socket in Vireo and pass it to QEMU as a file descriptor (`-add-fd` / `fd=`), as libvirt does.',
    ]
    return {
      id: 'start',
      title: 'Start overhead',
      rows: [{ metric: 'startVm → first VNC frame', value: formatSeries(vireo, 'ms'), baseline: `${formatSeries(hand, 'ms')} (same argv by hand, direct VNC)`, ratio: `${r.toFixed(2)}×`, goal: '≤ 1.05×', met: r <= 1.05 }],
      notes: [
        `Vireo: through the web host (\`vireo web\`, the renderer's path): the \`startVm\` call over the API WebSocket and, at the \`starting\` event as the console view does, \`consoleEndpoint\` and the console WebSocket (cookie + single-use ticket), the RFB handshake, one non-incremental FramebufferUpdateRequest, until the whole first update has arrived. By hand: the same argv (from \`vireo info --json\`) spawned directly, the VNC UNIX socket retried every ${BASELINE_RETRY_MS} ms until it accepts, then the same RFB exchange. The VM boots the installed test OS (${vm.memoryMiB} MiB); each run is ended at once (force off / SIGTERM). ${ctx.runs} runs each, alternating, after one warm-up of each.`,
        [
          '| phase (ms from the `startVm` call / from the spawn) | Vireo | by hand |',
          '|---|---|---|',
          `| \`starting\` event (the console view opens the console) | ${phase((s) => s.startingAt)} | |`,
          `| QEMU spawned (qemu.log header, ms resolution) | ${phase((s) => s.spawned)} | 0 |`,
          `| QMP socket bound (its ctime) | ${phase((s) => s.qmpBound)} | |`,
          `| VNC socket bound (its ctime) | ${phase((s) => s.vncBound)} | ${handPhase((s) => s.vncBound)} |`,
          `| \`startVm\` replied | ${phase((s) => s.startReply)} | |`,
          `| \`consoleEndpoint\` replied | ${phase((s) => s.endpointReply)} | |`,
          `| console connected (WebSocket open / VNC socket accepted) | ${phase((s) => s.wsOpen)} | ${handPhase((s) => s.connect)} |`,
          `| RFB handshake done (ServerInit) | ${phase((s) => s.handshake)} | ${handPhase((s) => s.handshake)} |`,
          `| first frame: first byte | ${phase((s) => s.frameFirstByte)} | ${handPhase((s) => s.frameFirstByte)} |`,
          `| first frame: last byte | ${phase((s) => s.firstFrame)} | ${handPhase((s) => s.firstFrame)} |`,
        ].join('\n'),
        ...analysis,
      ],
    }
  } finally {
    api.close()
    await host.stop()
  }
}

/** A file's ctime as milliseconds on the performance.now() clock, relative to `t0`. */
async function bornAt(path: string, t0: number): Promise<number> {
  return (await stat(path)).ctimeMs - performance.timeOrigin - t0
}

async function viaVireo(api: ApiClient, host: WebHostProcess, id: string, qemuLog: string, runtimeDir: string): Promise<VireoSample> {
  // As the console view does: it opens the console when the VM's state turns `starting`, and
  // the bridge connects to the VNC socket as soon as QEMU binds it.
  const t0 = performance.now()
  const starting = api.waitForEvent('vmChanged', (vm) => vm.id === id && vm.state === 'starting')
  const started = api.call('startVm', { id }).then(() => performance.now() - t0)
  let rfb: RfbClient | undefined
  try {
    const startingAt = (await starting) - t0
    const endpoint = await api.call('consoleEndpoint', { id })
    const endpointReply = performance.now() - t0
    const url = endpoint.path.startsWith('ws') ? endpoint.path : `${host.origin.replace(/^http/, 'ws')}${endpoint.path}`
    rfb = await RfbClient.overWebSocket(url, { Cookie: `vireo_token=${host.token}` })
    const wsOpen = performance.now() - t0
    await rfb.handshake()
    const handshake = performance.now() - t0
    rfb.requestUpdate(false)
    const update = await rfb.readUpdate()
    const startReply = await started
    const [qmpBound, vncBound] = await Promise.all([bornAt(join(runtimeDir, 'qmp.sock'), t0), bornAt(join(runtimeDir, 'vnc.sock'), t0)])
    const header = [...(await readFile(qemuLog, 'utf8')).matchAll(/^=== (\S+) vireo: starting/gm)].at(-1)?.[1]
    const spawned = header === undefined ? Number.NaN : Date.parse(header) - performance.timeOrigin - t0
    return { spawned, startingAt, qmpBound, vncBound, startReply, endpointReply, wsOpen, handshake, frameFirstByte: update.firstByteAt - t0, firstFrame: update.at - t0 }
  } finally {
    rfb?.close()
    await started.catch(() => undefined)
    await api.call('forceOffVm', { id })
  }
}

async function byHand(argv: string[], vncSocket: string, runtimeDir: string, log: string): Promise<HandSample> {
  await mkdir(runtimeDir, { recursive: true, mode: 0o700 })
  await Promise.all(['qmp.sock', 'ctl.sock', 'vnc.sock', 'qemu.pid'].map((f) => rm(join(runtimeDir, f), { force: true })))
  const qemu = startQemu(argv, log)
  try {
    const rfb = await connectWhenListening(vncSocket, 30_000, BASELINE_RETRY_MS)
    const connect = performance.now() - qemu.startedAt
    const vncBound = await bornAt(vncSocket, qemu.startedAt)
    try {
      await rfb.handshake()
      const handshake = performance.now() - qemu.startedAt
      rfb.requestUpdate(false)
      const update = await rfb.readUpdate()
      return { vncBound, connect, handshake, frameFirstByte: update.firstByteAt - qemu.startedAt, firstFrame: update.at - qemu.startedAt }
    } finally {
      rfb.close()
    }
  } finally {
    await qemu.stop()
    await Promise.all(['qmp.sock', 'ctl.sock', 'vnc.sock', 'qemu.pid'].map((f) => rm(join(runtimeDir, f), { force: true })))
  }
}
