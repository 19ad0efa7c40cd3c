import { deflateSync } from 'node:zlib'

/**
 * A binary PPM (P6, what `virsh screenshot` gets from QEMU) as a PNG, so that a libvirt VM's
 * screenshot is the same PNG as a local one's. Pure; RGB, 8 bits a channel.
 */
export function ppmToPng(ppm: Buffer): { png: Buffer; width: number; height: number } {
  if (ppm.subarray(0, 8).readUInt32BE(0) === 0x89504e47) throw new Error('already a PNG')
  let at = 0
  const token = (): string => {
    for (;;) {
      while (at < ppm.length && /\s/.test(String.fromCharCode(ppm[at] ?? 0))) at += 1
      if (ppm[at] !== 0x23) break // '#': a comment to the end of the line
      while (at < ppm.length && ppm[at] !== 0x0a) at += 1
    }
    const start = at
    while (at < ppm.length && !/\s/.test(String.fromCharCode(ppm[at] ?? 0))) at += 1
    return ppm.subarray(start, at).toString('latin1')
  }
  if (token() !== 'P6') throw new Error('not a binary PPM (P6)')
  const width = Number(token())
  const height = Number(token())
  const max = Number(token())
  at += 1 // the one whitespace byte before the pixels
  if (!(width > 0 && height > 0) || max !== 255) throw new Error('a PPM of an unsupported size or depth')
  const row = width * 3
  if (ppm.length - at < row * height) throw new Error('a PPM cut short')
  const raw = Buffer.alloc((row + 1) * height)
  for (let y = 0; y < height; y += 1) ppm.copy(raw, y * (row + 1) + 1, at + y * row, at + (y + 1) * row)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return { png, width, height }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(data: Buffer): number {
  let c = 0xffffffff
  for (const byte of data) c = (TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
