import type { Vireo } from '../../core/vireo'
import { methods, type Input } from '../contract'

// Test support (not shipped): making VMs in the core's integration tests as a front end does.

/** `createVm` with its params parsed by the contract, as every transport sends them (defaults filled). */
export function createVm(vireo: Vireo, params: Input<'createVm'>) {
  return vireo.createVm(methods.createVm.parse(params))
}

/** A VM as small as a test can start: no OS, a 16 MiB qcow2 disk, 64 MiB, one vCPU, TCG. */
export const smallVm = {
  source: { kind: 'none' },
  diskSize: '16M',
  memoryMiB: 64,
  cpus: 1,
  accel: 'tcg',
} as const
