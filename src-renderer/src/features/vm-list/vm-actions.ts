import { api } from '../../api/client'
import type { VmRef, VmSummary } from '../../api/types'
import { refOf, vmKey } from '../../api/vm-ref'
import { useVms } from './vms-store'

/** The power actions of a VM, each one API method returning the VM's new summary. */
export type PowerAction = 'start' | 'shutdown' | 'reboot' | 'pause' | 'resume' | 'forceOff'

const methodOf = {
  start: 'startVm',
  shutdown: 'shutdownVm',
  reboot: 'rebootVm',
  pause: 'pauseVm',
  resume: 'resumeVm',
  forceOff: 'forceOffVm',
} as const

/** Which power actions make sense in a VM's state (none for a broken VM). */
export function powerActionsFor(vm: Pick<VmSummary, 'state' | 'broken' | 'pause'>): PowerAction[] {
  if (vm.broken !== null) return []
  switch (vm.state) {
    case 'stopped':
    case 'crashed':
      return ['start']
    case 'starting':
      return ['forceOff']
    case 'running':
      return ['shutdown', 'reboot', 'pause', 'forceOff']
    case 'paused':
      // A crashed guest cannot go on from where it stopped: restart it or turn it off.
      return vm.pause?.reason === 'guest-panic' ? ['reboot', 'forceOff'] : ['resume', 'forceOff']
    case 'shutting-down':
      return ['forceOff']
  }
}

export function canDelete(vm: Pick<VmSummary, 'state' | 'broken'>): boolean {
  return vm.broken !== null || vm.state === 'stopped' || vm.state === 'crashed'
}

export async function runPowerAction(ref: VmRef, action: PowerAction): Promise<void> {
  const vm = await api.call(methodOf[action], refOf(ref))
  useVms.getState().upsert(vm)
}

export async function deleteVm(ref: VmRef, deleteDisks: boolean): Promise<void> {
  const name = useVms.getState().vms[vmKey(ref)]?.name ?? ref.id
  const { keptDisks } = await api.call('deleteVm', { ...refOf(ref), deleteDisks })
  useVms.getState().remove(ref)
  useVms.setState({
    notice: keptDisks.length > 0 ? { kind: 'keptDisks', name, paths: keptDisks } : null,
  })
}
