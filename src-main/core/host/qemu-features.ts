import { z } from 'zod'
import { programFact, type FactsCache } from './program-facts'

const asked = new Map<string, Promise<boolean>>()

/**
 * Whether this QEMU was built with seccomp: its `-help` lists `-sandbox` only then. Asked once
 * per binary and process, and kept in `cache` (program-facts.ts) for as long as the binary is
 * the same file. (QEMU 7.2: `spawn=deny` also forbids `-daemonize`, which Vireo never uses; it
 * starts QEMU detached itself.)
 */
export function qemuHasSandbox(qemuPath: string, cache?: FactsCache): Promise<boolean> {
  let known = cache?.refresh === true ? undefined : asked.get(qemuPath)
  if (known === undefined) {
    known = programFact(cache, qemuPath, 'sandbox', z.boolean(), async () => {
      const { execa } = await import('execa')
      const r = await execa(qemuPath, ['-help'], { reject: false, timeout: 10_000 })
      // Only a run that answered is kept: a timeout under load may go better next time.
      return { value: r.exitCode === 0 && /^-sandbox /m.test(r.stdout), keep: r.exitCode === 0 }
    })
    asked.set(qemuPath, known)
  }
  return known
}
