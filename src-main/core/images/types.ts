/** The images module's plain data types (no Node), which the API carries to the renderer. */

/**
 * A qcow2 internal snapshot: the disk's state, and for a snapshot of a running VM the
 * guest's memory and devices too (held by the VM's first disk).
 */
export interface ImageSnapshot {
  name: string
  /** When it was taken, ISO 8601. */
  createdAt: string
  /** Bytes of saved guest state (memory, devices); 0 for a disk-only snapshot. */
  vmStateBytes: number
}
