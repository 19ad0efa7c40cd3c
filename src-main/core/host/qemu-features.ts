const cache = new Map<string, Promise<boolean>>()

/**
 * Whether this QEMU was built with seccomp: its `-help` lists `-sandbox` only then. Asked once
 * per binary. (QEMU 7.2: `spawn=deny` also forbids `-daemonize`, which Vireo never uses; it
 * starts QEMU detached itself.)
 */
export function qemuHasSandbox(qemuPath: string): Promise<boolean> {
  let known = cache.get(qemuPath)
  if (known === undefined) {
    known = import('execa')
      .then(({ execa }) => execa(qemuPath, ['-help'], { reject: false, timeout: 10_000 }))
      .then((r) => r.exitCode === 0 && /^-sandbox /m.test(r.stdout))
    cache.set(qemuPath, known)
  }
  return known
}
