/**
 * Draws Tend's app icons (a ring of five seats around a sprout-green centre) as PNG files in
 * public/icons. Run with `npx tsx .ci/make-icons.ts` when the icon changes; the PNGs are
 * committed so builds need nothing but Node.
 */
import { writeFileSync, mkdirSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])), 0)
  return Buffer.concat([head, data, crc])
}
function png(size: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 3 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x, y)
      const at = y * (size * 3 + 1) + 1 + x * 3
      raw[at] = r
      raw[at + 1] = g
      raw[at + 2] = b
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ])
}

const background: [number, number, number] = [0x1f, 0x4d, 0x3a]
const seat: [number, number, number] = [0xf4, 0xe9, 0xd8]
const centre: [number, number, number] = [0x8f, 0xd1, 0x9e]

/** `scale` < 1 keeps the drawing inside the maskable safe zone (a circle of 80% diameter). */
function icon(size: number, scale: number): Buffer {
  const c = size / 2
  const ring = size * 0.28 * scale
  const seatR = size * 0.085 * scale
  const centreR = size * 0.11 * scale
  const seats = Array.from({ length: 5 }, (_, i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / 5
    return [c + ring * Math.cos(a), c + ring * Math.sin(a)] as const
  })
  return png(size, (x, y) => {
    if (Math.hypot(x - c, y - c) < centreR) return centre
    for (const [sx, sy] of seats) if (Math.hypot(x - sx, y - sy) < seatR) return seat
    return background
  })
}

mkdirSync('public/icons', { recursive: true })
writeFileSync('public/icons/icon-192.png', icon(192, 1))
writeFileSync('public/icons/icon-512.png', icon(512, 1))
writeFileSync('public/icons/maskable-512.png', icon(512, 0.75))
writeFileSync('public/icons/apple-touch-icon.png', icon(180, 0.9))
