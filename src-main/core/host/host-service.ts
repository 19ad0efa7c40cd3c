import { VireoError, msg } from '../errors'
import { installHint } from '../exec'
import type { VireoPaths } from '../paths'
import type { HostCheckRequest } from '../requests'
import type { HostFacts } from '../vms/launch-plan'
import { QEMU_BINARY } from '../vms/qemu-args'
import { checkHost, factsCache } from './host-check'
import { qemuHasSandbox } from './qemu-features'
import type { HostReport } from './types'

/**
 * The host check, run once and kept (a failed one is forgotten, a refresh runs it again), and
 * the facts a launch plan needs from it.
 */
export class HostService {
  private report: Promise<HostReport> | null = null
  /** The last check was a refresh: the facts that follow ask QEMU again too. */
  private refreshed = false

  constructor(private readonly paths: VireoPaths) {}

  async check(params: HostCheckRequest): Promise<HostReport> {
    let report = this.report
    if (params.refresh || report === null) {
      report = checkHost({ paths: this.paths, refresh: params.refresh })
      this.refreshed = params.refresh
      report.catch(() => (this.report = null))
      this.report = report
    }
    return report
  }

  async facts(): Promise<HostFacts> {
    const report = await this.check({ refresh: false })
    const refresh = this.refreshed
    this.refreshed = false
    if (report.qemu === null) {
      throw new VireoError(
        'HOST_UNSUPPORTED',
        msg('error.host.qemuMissing'),
        installHint(QEMU_BINARY),
      )
    }
    return {
      accel: report.accel,
      kvmUsable: report.kvm.usable,
      accelReason: report.accelReason,
      accelReasonText: report.accelReasonText,
      uefi: report.firmware.uefi,
      secureBoot: report.firmware.secureBoot,
      swtpm: report.tpm.swtpm,
      sandbox: await qemuHasSandbox(report.qemu.path, factsCache(this.paths, refresh)),
    }
  }
}
