/** Doubles commas: QEMU's option syntax reads `,` as a separator and `,,` as a literal comma. */
export function qemuOptValue(value: string): string {
  return value.replaceAll(',', ',,')
}
