/** The images module's plain data types (no Node), which the API carries to the renderer. */

/** A qcow2 internal snapshot (disk state only: Vireo takes them of stopped VMs). */
export interface ImageSnapshot {
  name: string
  /** When it was taken, ISO 8601. */
  createdAt: string
}
