import { inflateSync } from 'node:zlib'

/**
 * Test support (not shipped): decodes an 8-bit RGB/RGBA PNG (what QEMU's screendump writes) far enough to tell a blank
 * screen from one with something on it: the share of pixels unlike the top-left one.
 */
export function pngInk(png: Buffer): { width: number; height: number; inkRatio: number } {
  if (png.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG')
  const width = png.readUInt32BE(16)
  const height = png.readUInt32BE(20)
  const bitDepth = png[24]
  const colorType = png[25]
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0
  if (bitDepth !== 8 || bpp === 0) throw new Error(`unsupported PNG (depth ${bitDepth}, colour type ${colorType})`)
  const idat: Buffer[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const data = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const raw = data[y * (stride + 1) + 1 + x] ?? 0
      const a = x >= bpp ? (pixels[y * stride + x - bpp] ?? 0) : 0
      const b = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0
      const c = x >= bpp && y > 0 ? (pixels[(y - 1) * stride + x - bpp] ?? 0) : 0
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter ?? 0] ?? 0
      pixels[y * stride + x] = (raw + predictor) & 0xff
    }
  }
  let ink = 0
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      if (pixels[p * bpp + k] !== pixels[k]) {
        ink++
        break
      }
    }
  }
  return { width, height, inkRatio: ink / (width * height) }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}
