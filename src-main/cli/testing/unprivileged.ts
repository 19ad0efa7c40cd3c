import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { vireoBin as bin } from './cli-home'

// Test support (not shipped): the built `vireo` run as an unprivileged user (nobody), and in a
// private mount namespace whose /dev/kvm no driver answers, for the CLI's fault tests.

/** The uid and gid of user nobody. */
export const NOBODY = 65534

/**
 * A character-device major number that no driver has taken on this machine, from the ranges
 * Linux keeps for local and experimental use (which it never hands out by itself), so that
 * opening a node with it fails with ENXIO as a /dev/kvm without its module does.
 */
function driverlessMajor(): number {
  const text = readFileSync('/proc/devices', 'utf8')
  const charSection = text.split(/^Block devices:/m)[0] ?? ''
  const taken = new Set([...charSection.matchAll(/^\s*(\d+)\s/gm)].map((match) => Number(match[1])))
  const free = [60, 61, 62, 63, 120, 121, 122, 123, 124, 125, 126, 127].find((n) => !taken.has(n))
  if (free === undefined) throw new Error('every local-use character major is taken here')
  return free
}

/**
 * The stage for those runs under `root` (made world-readable: nobody must reach its own home
 * below): nobody's VIREO_HOME and runtime folder, the script that enters the namespace, and
 * `asUser`, which runs `vireo` as root (with `home` and `runtime`) or as nobody. `setUp` makes
 * it, in a beforeAll; `nobodyBlocked` and `namespaceBlocked` say why a case cannot run here.
 */
export function unprivilegedStage(at: { root: string; home: string; runtime: string }) {
  const { root, home, runtime } = at
  // A private mount namespace with its own /dev: a fake /dev/kvm, seen by nobody else on this
  // machine, whose device numbers no driver answers. Not KVM's own 10:232: where the kvm
  // module is loaded (as on machines with nested KVM), that node would open the real KVM.
  const stage = join(root, 'ns')
  const nsScript = join(root, 'ns.sh')
  const nobodyHome = join(root, 'nobody-home')
  const nobodyRun = join(root, 'nobody-run')

  const setUp = (): void => {
    chmodSync(root, 0o755) // nobody must reach its own home below
    mkdirSync(join(stage, 'olddev'), { recursive: true })
    writeFileSync(
      nsScript,
      [
        'set -e',
        `mount --rbind /dev '${stage}/olddev'`,
        'mount -t tmpfs -o mode=755,size=64k vireo-dev /dev',
        `for n in null zero random urandom full tty; do touch /dev/$n; mount --bind '${stage}/olddev'/$n /dev/$n; done`,
        `mknod -m 660 /dev/kvm c ${driverlessMajor()} 0`,
        'chgrp kvm /dev/kvm || chgrp 0 /dev/kvm',
        'exec "$@"',
      ].join('\n'),
    )
    for (const dir of [nobodyHome, nobodyRun]) {
      mkdirSync(dir)
      chownSync(dir, NOBODY, NOBODY)
    }
  }

  /**
   * Why an unprivileged user cannot run this checkout's `vireo` (its folder is private, as a
   * `mktemp -d` clone is): those cases cannot be produced there. Null when it can.
   */
  async function nobodyBlocked(): Promise<string | null> {
    const probe = await execa(
      'setpriv',
      [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', 'test', '-r', bin],
      { reject: false },
    )
    return probe.exitCode === 0
      ? null
      : `user nobody cannot read ${bin} (a private parent folder): run from a checkout others may read`
  }

  async function asUser(user: 'root' | 'nobody', args: string[], inNamespace = true) {
    const asNobody =
      user === 'nobody'
        ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--']
        : []
    const command = [...asNobody, process.execPath, bin, ...args]
    const [file, ...rest] = inNamespace
      ? ['unshare', '--mount', '--propagation', 'private', 'sh', nsScript, ...command]
      : command
    return execa(file ?? 'false', rest, {
      env: {
        VIREO_HOME: user === 'nobody' ? nobodyHome : home,
        XDG_RUNTIME_DIR: user === 'nobody' ? nobodyRun : runtime,
        HOME: root,
        PATH: process.env.PATH ?? '',
      },
      reject: false,
      timeout: 60_000,
    })
  }

  /** Why no private mount namespace with the fake /dev/kvm can be made here (not root…); null when it can. */
  async function namespaceBlocked(): Promise<string | null> {
    const probe = await execa(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', nsScript, 'true'],
      { reject: false },
    )
    return probe.exitCode === 0
      ? null
      : `no private mount namespace with a fake /dev/kvm here (needs root): ${probe.stderr.trim()}`
  }

  return { nobodyHome, nobodyRun, setUp, nobodyBlocked, asUser, namespaceBlocked }
}
