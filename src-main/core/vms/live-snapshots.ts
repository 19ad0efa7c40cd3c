import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { VireoError, msg } from '../errors'

/** One QMP command to the VM's QEMU (the supervisor's control connection). */
export type QmpCall = <T>(command: string, args?: Record<string, unknown>) => Promise<T>

export type LiveSnapshotAction = 'save' | 'load' | 'delete'

interface BlockInfo {
  device: string
  inserted?: { 'node-name'?: string }
}

interface JobInfo {
  id: string
  status: string
  error?: string
}

/** How long a snapshot job may take: saving a large guest's memory is a disk write of its size. */
const JOB_TIMEOUT_MS = 10 * 60 * 1000
const POLL_MS = 100


/**
 * Takes (`save`), reverts to (`load`) or deletes snapshot `tag` in a running QEMU, with its
 * snapshot jobs: every one of the VM's disks (`disk0` … `disk<n-1>`), and for save and load the
 * guest's memory and device state, held by the first disk. QEMU pauses the guest while it
 * works and lets it run again afterwards if it was running. The UEFI variables and the CD
 * are not part of it. Waits for the job to end and dismisses it; its error becomes a
 * VireoError.
 */
export async function liveSnapshot(
  qmp: QmpCall,
  action: LiveSnapshotAction,
  tag: string,
  diskCount: number,
): Promise<void> {
  const devices = await diskNodes(qmp, diskCount)
  const jobId = `vireo-snapshot-${randomUUID()}`
  const vmstate = action === 'delete' ? {} : { vmstate: devices[0] }
  await qmp(`snapshot-${action}`, { 'job-id': jobId, tag, devices, ...vmstate })

  const deadline = Date.now() + JOB_TIMEOUT_MS
  for (;;) {
    const job = (await qmp<JobInfo[]>('query-jobs')).find((j) => j.id === jobId)
    if (job === undefined) {
      throw new VireoError('INTERNAL', msg('error.snapshot.jobLost', { job: jobId }))
    }
    if (job.status === 'concluded') {
      await qmp('job-dismiss', { id: jobId })
      if (job.error !== undefined) {
        throw new VireoError(
          'COMMAND_FAILED',
          msg(`error.snapshot.failed.${action}`, { tag, reason: job.error }),
          // QEMU leaves a guest whose load failed paused: part of it may be loaded already.
          action === 'load'
            ? msg('error.snapshot.loadFailedHint')
            : msg('error.snapshot.seeLog'),
          { tag },
        )
      }
      return
    }
    if (Date.now() > deadline) {
      throw new VireoError(
        'TIMEOUT',
        msg('error.snapshot.jobTimeout', { tag, minutes: JOB_TIMEOUT_MS / 60_000 }),
        msg('error.snapshot.jobTimeoutHint'),
      )
    }
    await sleep(POLL_MS)
  }
}

/** The block node of each of the VM's disks, by their drive ids (see qemu-args.ts). */
async function diskNodes(qmp: QmpCall, diskCount: number): Promise<string[]> {
  const blocks = await qmp<BlockInfo[]>('query-block')
  return Array.from({ length: diskCount }, (_, index) => {
    const node = blocks.find((b) => b.device === `disk${index}`)?.inserted?.['node-name']
    if (node === undefined) {
      throw new VireoError('INTERNAL', msg('error.snapshot.noDiskNode', { index }))
    }
    return node
  })
}
