/** A PNG's size in pixels: the IHDR chunk follows the 8-byte signature, width and height big-endian. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}
