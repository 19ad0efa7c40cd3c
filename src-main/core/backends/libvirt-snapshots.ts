import { msg, VireoError } from '../errors'
import type { VirshCall } from '../libvirt/libvirt-pool'
import type { VmSnapshot } from '../types'

/**
 * Snapshots of a libvirt domain: libvirt's own (`snapshot-create-as`, `snapshot-list`,
 * `snapshot-revert`, `snapshot-delete`), internal to its qcow2 disks; of a running domain,
 * with its memory, as Vireo's own live snapshots are.
 */
export async function listDomainSnapshots(call: VirshCall, uuid: string): Promise<VmSnapshot[]> {
  const names = (await call(['snapshot-list', uuid, '--name', '--topological'])).split('\n').map((l) => l.trim()).filter((l) => l !== '')
  return Promise.all(
    names.map(async (name) => {
      const xml = await call(['snapshot-dumpxml', uuid, name])
      const created = Number(/<creationTime>(\d+)<\/creationTime>/.exec(xml)?.[1] ?? '0')
      const state = /<state>([^<]+)<\/state>/.exec(xml)?.[1] ?? 'shutoff'
      // libvirt says whether memory was saved, not how much: 1 stands for "with memory".
      const withMemory = state === 'running' || state === 'paused'
      return { name, createdAt: new Date(created * 1000).toISOString(), vmStateBytes: withMemory ? 1 : 0, tpmState: false }
    }),
  )
}

async function existing(call: VirshCall, uuid: string, vm: string, name: string): Promise<VmSnapshot[]> {
  const all = await listDomainSnapshots(call, uuid)
  if (!all.some((s) => s.name === name)) throw new VireoError('NOT_FOUND', msg('error.snapshot.none', { vm, name }), msg('error.snapshot.noneHint'))
  return all
}

export async function takeDomainSnapshot(call: VirshCall, uuid: string, vm: string, name: string): Promise<VmSnapshot[]> {
  if ((await listDomainSnapshots(call, uuid)).some((s) => s.name === name)) {
    throw new VireoError('ALREADY_EXISTS', msg('error.snapshot.nameTaken', { vm, name }), msg('error.snapshot.nameTakenHint'), { field: 'name' })
  }
  await call(['snapshot-create-as', uuid, '--name', name, '--atomic'], 10 * 60_000)
  return listDomainSnapshots(call, uuid)
}

export async function revertDomainSnapshot(call: VirshCall, uuid: string, vm: string, name: string): Promise<VmSnapshot[]> {
  await existing(call, uuid, vm, name)
  await call(['snapshot-revert', uuid, '--snapshotname', name], 10 * 60_000)
  return listDomainSnapshots(call, uuid)
}

export async function deleteDomainSnapshot(call: VirshCall, uuid: string, vm: string, name: string): Promise<VmSnapshot[]> {
  await existing(call, uuid, vm, name)
  await call(['snapshot-delete', uuid, '--snapshotname', name], 10 * 60_000)
  return listDomainSnapshots(call, uuid)
}
