// Over 300 lines: one fuzzer, whose generators, world snapshot and client only make sense together.
import { createHash } from 'node:crypto'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { errorCodes } from '../core/errors'
import { resolvePaths } from '../core/paths'
import { killQemus, qemuPids, writeFakeIso } from '../core/testing/fault-support'
import { Vireo } from '../core/vireo'
import { webHostOver } from './testing/web-host-harness'
import type { WebHost } from './web-host'
import { methods, type MethodName } from '../api/contract'
import type { VmSummary } from '../api/types'
import type { ServerMessage } from '../api/wire'
import { prng } from '../core/testing/prng'

// The API boundary under fire: thousands of random and malformed calls to every method of the
// contract, over a real WebSocket to a real web host with the real core (and QEMU) behind it.
// Whatever comes in, what goes out is a typed reply (never INTERNAL), the connection stays
// up, nothing outside the test's own folders is created or changed, and no QEMU is left.
// Reproduce a failure with VIREO_FUZZ_SEED=<seed from the message>.
const SEED = Number(process.env.VIREO_FUZZ_SEED ?? 0x5eed_0008)
// A fixed number of calls, whatever the machine's speed: a slow machine takes longer (up to
// this file's test timeout), it does not check less.
const CALLS = Number(process.env.VIREO_FUZZ_CALLS ?? 1500)
vi.setConfig({ testTimeout: 600_000 })
const WORKERS = Number(process.env.VIREO_FUZZ_WORKERS ?? 4)
const TOKEN = 'fuzz-token-0123456789abcdef'

const parent = mkdtempSync(join(tmpdir(), 'vireo-fuzz-'))
const home = join(parent, 'home')
const run = join(parent, 'run')
const files = join(parent, 'files')
const cwd = join(parent, 'cwd')
const scratch = join(parent, 'tmp')
const mark = `vireo-fuzz-${SEED.toString(36)}`

// Each worker draws from its own generator (seeded from SEED and its number), so its
// sequence of calls does not depend on how the workers' calls interleave; which VM ids exist
// still does. VIREO_FUZZ_WORKERS=1 replays a run most exactly.
let current = prng(SEED)
const random = (): number => current()
const int = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
const chance = (p: number): boolean => random() < p

// ── what the fuzzer throws ───────────────────────────────────────────────────────────

function randomText(): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    ',',
    '=',
    '"',
    "'",
    '/',
    '\\',
    '.',
    '-',
    '$',
    '`',
    ';',
    '\u0000',
    '\u0007',
    '\u202e',
    '\u0301',
    '語',
    '😀',
    '\ud800',
    '\n',
  ]
  return Array.from({ length: 1 + int(24) }, () => pick(alphabet)).join('')
}

function deep(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { v: value }
  return value
}

const junkValues: (() => unknown)[] = [
  () => null,
  () => true,
  () => false,
  () => 0,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 1,
  () => '',
  () => ' ',
  () => randomText(),
  () => 'x'.repeat(chance(0.1) ? 70_000 : 300),
  () => '../../../../etc/passwd',
  () => `/tmp/${mark}-$(touch /tmp/${mark}-pwned)`,
  () => '-rf',
  () => 'a,b=c,file.locking=off',
  () => '123',
  () => [],
  () => [1, 'a', null],
  () => ({}),
  () =>
    JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    ) as unknown,
  () => deep(1 + int(800)),
]
const junk = (): unknown => pick(junkValues)()

// Files the calls may name: real ones the test made (which must stay as they are), and ones
// that are not what a field wants.
let isoPaths: string[] = []
let goodIsos: string[] = []
let diskPaths: string[] = []
let goodDisks: string[] = []
let dirPaths: string[] = []
let ports: number[] = []
const ids = new Set<string>()
const names = [
  'fuzz a',
  'fuzz b',
  'Fuzz A',
  'fuzz c',
  '-rf',
  'a,b=c',
  '"; rm -rf ~',
  '\u202eevil',
  '語'.repeat(120),
  ' padded ',
]

const maybe = (value: () => unknown, p = 0.5): unknown => (chance(p) ? value() : undefined)
/** Mostly a good value, sometimes a bad one: valid calls must get far enough to do things. */
const mostly = (good: readonly unknown[], bad: readonly unknown[], p = 0.85): unknown =>
  chance(p) ? pick(good) : pick(bad)
const anId = (): unknown =>
  mostly(
    [...ids, ...(ids.size === 0 ? ['missing00000'] : [])],
    ['missing00000', 'ABCDEFGH', '../../x', 'a'.repeat(33), 'abc', '', 7],
    0.8,
  )
const anIso = (): unknown => mostly(goodIsos, isoPaths, 0.6)
const aForward = (): unknown =>
  mostly(
    [{ protocol: 'tcp', hostPort: pick(ports), guestPort: 22 }],
    [
      { protocol: 'sctp', hostPort: 22, guestPort: 22 },
      { hostPort: 0, guestPort: 22 },
      { hostPort: 65536, guestPort: 1 },
    ],
  )
const aSize = (): unknown =>
  mostly(
    ['16M', '64M', '1.5G'],
    ['0', '-5G', '10ZB', 'abc', '60T', '65T', ' 32M ', '1e3', '16 M', '0.0001K'],
  )

const aSnapshotName = (): unknown =>
  mostly(['before update', 'fresh install'], ['', '42', '-a', 'x'.repeat(65), 'a\u0000b'])

const builders: Record<MethodName, () => Record<string, unknown>> = {
  hostCheck: () => ({ refresh: chance(0.05) }),
  listVms: () => (chance(0.1) ? { connection: pick(['local', 'nowhere', '', 'a b']) } : {}),
  listConnections: () => ({}),
  // URIs refused before any libvirt is reached (the real ones: libvirt-backend's tests).
  addConnection: () => ({ uri: pick(['', 'qemu+tcp://h/system', 'not a uri', 'qemu://host/system', 'x'.repeat(3000), 'local', 'qemu:///system?command=/bin/true']) }),
  removeConnection: () => ({ uri: pick(['local', 'qemu:///nowhere', '']) }),
  getVm: () => ({ id: anId() }),
  addDisk: () => (chance(0.5) ? { id: anId(), size: mostly(['16M'], ['0', 'abc']) } : { id: anId(), existing: anIso(), bus: mostly(['scsi', 'sata'], ['usb']) }),
  removeDisk: () => ({ id: anId(), index: mostly([0, 1], [-1, 8, 0.5]), deleteFile: chance(0.2) }),
  createVm: () => createParams(),
  previewVm: () => createParams(),
  updateVm: () => {
    const changes: Record<string, unknown> = {}
    const options: Record<string, () => unknown> = {
      name: () => pick(names),
      memoryMiB: () => mostly([64, 128], [31, 4 * 1024 * 1024 + 1, 10 ** 9, 2 ** 21]),
      cpus: () => mostly([1, 2], [3, 0, 289]),
      firmware: () => mostly(['bios', 'uefi'], ['coreboot']),
      accel: () => mostly(['auto', 'tcg'], ['kvm', 'hvf']),
      bootOrder: () => mostly([['disk'], ['cdrom', 'disk']], [['disk', 'disk'], [], ['net']]),
      cdrom: () => (chance(0.3) ? null : anIso()),
      portForwards: () => (chance(0.5) ? [] : [aForward()]),
      diskSize: () => mostly(['128M', '64G'], ['1M', 'abc', '1P']),
      diskBuses: () => mostly([['virtio'], ['scsi']], [['usb'], ['sata', 'sata']]),
      nicModel: () => mostly(['virtio', 'e1000e'], ['rtl8139']),
      secondCdrom: () => (chance(0.3) ? null : anIso()),
      rtc: () => mostly(['utc', 'localtime'], ['gmt']),
      tablet: () => mostly([true, false], ['yes']),
      hyperv: () => mostly([true, false], [1]),
    }
    for (const [key, value] of Object.entries(options)) if (chance(0.2)) changes[key] = value()
    return { id: anId(), changes }
  },
  cloneVm: () => ({ id: anId(), name: pick(names) }),
  migrateVm: () => ({ id: anId(), toConnection: pick(['local', 'qemu:///nowhere', 'x']) }),
  listSnapshots: () => ({ id: anId() }),
  takeSnapshot: () => ({ id: anId(), name: aSnapshotName() }),
  revertSnapshot: () => ({ id: anId(), name: aSnapshotName() }),
  deleteSnapshot: () => ({ id: anId(), name: aSnapshotName() }),
  deleteVm: () => ({ id: anId(), deleteDisks: pick([true, false, undefined]) }),
  startVm: () => ({ id: anId() }),
  shutdownVm: () => ({ id: anId(), timeoutSec: mostly([1, 2], [0, -1, 3601, 1.5]) }),
  forceOffVm: () => ({ id: anId() }),
  rebootVm: () => ({ id: anId() }),
  pauseVm: () => ({ id: anId() }),
  resumeVm: () => ({ id: anId() }),
  ejectIso: () => ({ id: anId() }),
  insertIso: () => ({ id: anId(), path: anIso() }),
  screenshot: () => ({ id: anId() }),
  inspectIso: () => ({ path: anIso() }),
  listIsoCandidates: () => ({}),
  browseFiles: () => ({ dir: pick(dirPaths) }),
  consoleEndpoint: () => ({ id: anId() }),
  logTail: () => ({
    id: anId(),
    log: mostly(['qemu', 'serial'], ['kernel']),
    lines: mostly([1, 50, undefined], [0, 2001, -3]),
  }),
  getSettings: () => ({}),
  // Only changes validation refuses: the fuzz must not write the settings file of whoever runs it.
  updateSettings: () => ({ changes: pick([{ theme: 'purple' }, { vmFolder: 'vms' }, { isoFolders: ['isos'] }, { colour: 'red' }]) }),
}

function createParams(): Record<string, unknown> {
  const kind = mostly(['iso', 'iso', 'import', 'none', 'none'], ['floppy', 7], 0.95)
  const source =
    kind === 'iso'
      ? { kind, path: anIso() }
      : kind === 'import'
        ? {
            kind,
            path: mostly(goodDisks, diskPaths, 0.6),
            format: maybe(() => mostly(['qcow2', 'raw'], ['vmdk', 'vdi', 'vhdx']), 0.3),
          }
        : { kind }
  return {
    name: pick(names),
    source,
    diskSize: maybe(aSize, 0.8),
    diskFormat: maybe(() => mostly(['qcow2', 'raw'], ['vmdk'])),
    memoryMiB: maybe(() => mostly([64, 128], [31, 10 ** 9, 32.5]), 0.9),
    cpus: maybe(() => mostly([1, 2], [0, 3]), 0.9),
    firmware: maybe(() => mostly(['bios', 'uefi'], ['efi'])),
    accel: maybe(() => mostly(['auto', 'tcg'], ['kvm', 'xen'])),
    portForwards: maybe(() => (chance(0.7) ? [] : [aForward()])),
    start: chance(0.25),
  }
}

/** Valid-looking params, then (most of the time) broken in one to three ways. */
function paramsFor(method: MethodName): unknown {
  if (chance(0.05)) return junk()
  const params = builders[method]()
  const mutations = chance(0.5) ? 0 : 1 + int(3)
  // shutdownVm waits up to timeoutSec (60 s by default) for a guest that, here, ignores the
  // power button: a long call by design, so the fuzzer always names a short wait.
  if (method === 'shutdownVm') params.timeoutSec = mostly([1, 2], [0, -1, 3601, 1.5])
  for (let i = 0; i < mutations; i++) {
    const keys = Object.keys(params)
    const key = keys.length > 0 ? pick(keys) : 'x'
    switch (int(4)) {
      case 0:
        if (method !== 'shutdownVm' || key !== 'timeoutSec') delete params[key]
        break
      case 1:
        params[key] = junk()
        break
      case 2:
        params[pick(['extra', '__proto__', 'constructor', 'then', 'toJSON'])] = junk()
        break
      case 3: {
        const inner = params[key]
        if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
          const innerKeys = Object.keys(inner)
          if (innerKeys.length > 0) (inner as Record<string, unknown>)[pick(innerKeys)] = junk()
        }
      }
    }
  }
  return params
}

// ── the world outside the test's home, before and after ───────────────────────────────

function snapshot(
  dir: string,
  skip: Set<string>,
  into = new Map<string, string>(),
): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (skip.has(path)) continue
    const st = lstatSync(path)
    let what = `${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${st.uid}`
    if (st.isFile() && st.size < 16 * 1024 * 1024)
      what += ` ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
    into.set(path, what)
    if (st.isDirectory()) snapshot(path, skip, into)
  }
  return into
}

/**
 * New entries of /tmp this test could have caused. Other programs (browsers, other test runs)
 * write to /tmp at the same time, so only these names count: every /tmp path the fuzzer sends
 * carries `mark`; Vireo's own temp folders are its default runtime folder (`vireo-<uid>`) and
 * KVM probe folders (`vireo-probe-*`, made in the runtime folder unless it is unusable). TMPDIR
 * points into the snapshot meanwhile, so any other temp file Vireo makes shows up there, even
 * one made and removed again (its folder's mtime changes).
 */
function suspiciousInTmp(before: Set<string>): string[] {
  return readdirSync('/tmp').filter(
    (n) => !before.has(n) && (n.includes(mark) || /^vireo-(\d+$|probe-)/.test(n)),
  )
}

// ── the client ───────────────────────────────────────────────────────────────────────

class FuzzClient {
  private next = 1
  private readonly waiting = new Map<number, (m: ServerMessage) => void>()
  closed: string | null = null

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.type === 'reply') {
        this.waiting.get(message.id)?.(message)
        this.waiting.delete(message.id)
      } else expect(message.type).toBe('event')
    })
    ws.on('close', (code, reason) => (this.closed = `${code} ${reason.toString()}`))
  }

  call(method: string, params: unknown, timeoutMs = 45_000): Promise<ServerMessage> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply within ${timeoutMs} ms`)),
        timeoutMs,
      )
      this.waiting.set(id, (m) => {
        clearTimeout(timer)
        resolve(m)
      })
      this.ws.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  }
}

let vireo: Vireo
let web: WebHost
let client: FuzzClient
const saved = {
  cwd: process.cwd(),
  tmpdir: process.env.TMPDIR,
  isoDirs: process.env.VIREO_ISO_DIRS,
}

beforeAll(async () => {
  for (const dir of [files, cwd, scratch, join(files, 'folder')])
    mkdirSync(dir, { recursive: true })
  writeFakeIso(join(files, 'test.iso'), 'VIREO_TEST')
  writeFakeIso(join(files, 'debian.iso'), 'Debian 12.5.0 amd64 n')
  writeFileSync(join(files, 'not-an-iso.txt'), 'hello\n'.repeat(10_000))
  writeFileSync(join(files, 'precious.txt'), 'must never change\n')
  writeFileSync(join(cwd, 'relative.iso'), 'not an iso either\n')
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', join(files, 'disk.qcow2'), '16M'])
  await execa('qemu-img', ['create', '-q', '-f', 'raw', join(files, 'disk.raw'), '1M'])
  await execa('qemu-img', [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-b',
    join(files, 'precious.txt'),
    '-F',
    'raw',
    join(files, 'evil.qcow2'),
  ])
  await execa('qemu-img', [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-b',
    '/etc/hostname',
    '-F',
    'raw',
    join(files, 'evil-host.qcow2'),
  ])
  await execa('mkfifo', [join(files, 'pipe.iso')])
  symlinkSync('/etc/shadow', join(files, 'link.iso'))
  isoPaths = [
    join(files, 'test.iso'),
    join(files, 'debian.iso'),
    join(files, 'not-an-iso.txt'),
    join(files, 'folder'),
    join(files, 'pipe.iso'),
    join(files, 'link.iso'),
    join(files, 'nope.iso'),
    join(files, 'disk.qcow2'),
    'relative.iso',
    '/dev/null',
    '/dev/zero',
    '/',
    `/tmp/${mark}-missing.iso`,
  ]
  goodIsos = [join(files, 'test.iso'), join(files, 'debian.iso')]
  goodDisks = [join(files, 'disk.qcow2'), join(files, 'disk.raw')]
  diskPaths = [
    join(files, 'disk.qcow2'),
    join(files, 'disk.raw'),
    join(files, 'evil.qcow2'),
    join(files, 'evil-host.qcow2'),
    join(files, 'test.iso'),
    join(files, 'folder'),
    join(files, 'nope.qcow2'),
    'relative.iso',
    '/dev/null',
    `/tmp/${mark}-disk.qcow2`,
    'nbd://127.0.0.1:1/x',
    'json:{"file.driver":"file","file.filename":"/etc/hostname"}',
  ]
  dirPaths = [
    files,
    join(files, 'folder'),
    '/',
    '/etc',
    '/proc',
    '..',
    'relative',
    join(files, 'nope'),
    join(files, 'precious.txt'),
    undefined as unknown as string,
  ]
  ports = await Promise.all([0, 1].map(() => freePort()))

  vireo = new Vireo({
    paths: resolvePaths({ VIREO_HOME: home, XDG_RUNTIME_DIR: run }),
    watch: true,
  })
  web = await webHostOver(vireo, { staticDir: files, token: TOKEN })
  const ws = new WebSocket(`${new URL(web.url).origin.replace('http', 'ws')}/api?token=${TOKEN}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  client = new FuzzClient(ws)
})

afterAll(async () => {
  process.chdir(saved.cwd)
  restoreEnv('TMPDIR', saved.tmpdir)
  restoreEnv('VIREO_ISO_DIRS', saved.isoDirs)
  client?.ws.close()
  await web?.close()
  vireo?.dispose()
  await killQemus(parent)
  rmSync(parent, { recursive: true, force: true })
})

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address !== null ? address.port : 0
}

describe('API fuzz', () => {
  it(`answers ${CALLS} random and malformed calls to every method with typed replies, and touches nothing outside its home (seed ${SEED})`, async () => {
    const before = snapshot(parent, new Set([home, run]))
    const tmpBefore = new Set(readdirSync('/tmp'))
    const known = new Set<string>(errorCodes.filter((c) => c !== 'INTERNAL'))
    const methodNames = Object.keys(methods) as MethodName[]
    const seen = new Map<string, number>()
    const failures: string[] = []
    const slowest: [number, string][] = []
    let sent = 0
    let answered = 0
    const began = Date.now()

    process.chdir(cwd) // relative paths land here, inside the snapshot
    process.env.TMPDIR = scratch
    process.env.VIREO_ISO_DIRS = files
    try {
      const worker = async (index: number): Promise<void> => {
        const rng = prng(SEED + index * 7919)
        while (sent < CALLS && failures.length < 5) {
          const n = sent++
          current = rng
          const unknownMethod = chance(0.03)
          const method = unknownMethod
            ? pick([
                '',
                'rm -rf /',
                'constructor',
                '__proto__',
                'toString',
                'hasOwnProperty',
                'x'.repeat(64),
              ])
            : pick(methodNames)
          const params = unknownMethod ? junk() : paramsFor(method as MethodName)
          const what = () =>
            `call #${n} (seed ${SEED}, worker ${index}): ${method} ${JSON.stringify(params)?.slice(0, 300)}`
          let reply: ServerMessage
          const callStarted = Date.now()
          try {
            reply = await client.call(method, params)
          } catch (error) {
            failures.push(`${what()}: ${String(error)}`)
            continue
          }
          answered++
          slowest.push([Date.now() - callStarted, what()])
          slowest.sort((x, y) => y[0] - x[0]).splice(5)
          if (reply.type !== 'reply') continue
          if (reply.ok) {
            seen.set(`${method}:ok`, (seen.get(`${method}:ok`) ?? 0) + 1)
            const result = reply.result as Partial<VmSummary> | Partial<VmSummary>[]
            for (const vm of Array.isArray(result) ? result : [result])
              if (typeof vm?.id === 'string') ids.add(vm.id)
            if (method === 'deleteVm' && typeof (params as { id?: unknown }).id === 'string')
              ids.delete((params as { id: string }).id)
          } else {
            seen.set(
              `${method}:${reply.error.code}`,
              (seen.get(`${method}:${reply.error.code}`) ?? 0) + 1,
            )
            if (!known.has(reply.error.code))
              failures.push(`${what()} → ${reply.error.code}: ${reply.error.message}`)
            else if (typeof reply.error.message !== 'string' || reply.error.message === '')
              failures.push(`${what()} → no message`)
          }
        }
      }
      await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)))

      // Tidy up through the API too: force off and delete whatever the fuzzer made.
      const listed = await client.call('listVms', {})
      expect(listed).toMatchObject({ ok: true })
      for (const vm of listed.type === 'reply' && listed.ok ? (listed.result as VmSummary[]) : []) {
        if (vm.state !== 'stopped' && vm.state !== 'crashed')
          await client.call('forceOffVm', { id: vm.id })
        const deleted = await client.call('deleteVm', { id: vm.id, deleteDisks: true })
        expect(deleted, `delete ${vm.id} ${vm.state}`).toMatchObject({ ok: true })
      }
    } finally {
      process.chdir(saved.cwd)
      restoreEnv('TMPDIR', saved.tmpdir)
      restoreEnv('VIREO_ISO_DIRS', saved.isoDirs)
    }

    console.info(
      `fuzz seed ${SEED}: ${sent} calls in ${Date.now() - began} ms;`,
      Object.fromEntries([...seen].sort()),
      'slowest:',
      slowest,
    )
    expect(failures).toEqual([])
    expect(answered).toBe(CALLS)
    expect(client.closed).toBeNull()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(qemuPids(parent)).toEqual([])
    // Nothing outside home and the runtime folder was created, changed or removed.
    const after = snapshot(parent, new Set([home, run]))
    expect([...after].filter(([path, what]) => before.get(path) !== what)).toEqual([])
    expect([...before.keys()].filter((path) => !after.has(path))).toEqual([])
    expect(suspiciousInTmp(tmpBefore)).toEqual([])
  })
})
