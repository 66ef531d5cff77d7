// Draws images/icon.png (128x128 RGBA): a white padlock on a rounded dark-teal square, with
// a second, smaller padlock outline for the "mutual" in mutual TLS. Pure node (zlib), so it
// needs no image tools. Run: node images/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4;

/** Signed distance to a rounded box centred at (cx, cy); negative inside. */
function roundedBox(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Signed distance to the upper half of a ring (the shackle), legs extended down to legEnd. */
function shackle(x, y, cx, cy, radius, thickness, legEnd) {
  const distToArc = y <= cy
    ? Math.abs(Math.hypot(x - cx, y - cy) - radius)
    : y <= legEnd
      ? Math.min(Math.abs(x - (cx - radius)), Math.abs(x - (cx + radius)))
      : Infinity;
  return distToArc - thickness / 2;
}

function padlock(x, y, cx, cy, scale) {
  const body = roundedBox(x, y, cx, cy + 10 * scale, 26 * scale, 20 * scale, 5 * scale);
  const arc = shackle(x, y, cx, cy - 10 * scale, 16 * scale, 8 * scale, cy);
  const keyhole = Math.min(
    Math.hypot(x - cx, y - (cy + 6 * scale)) - 5 * scale,
    roundedBox(x, y, cx, cy + 14 * scale, 2.5 * scale, 7 * scale, 1),
  );
  return { solid: Math.min(body, arc), keyhole };
}

/** Colour of one sample point as [r, g, b, a] in 0..255. */
function sample(x, y) {
  if (roundedBox(x, y, 64, 64, 62, 62, 18) > 0) return [0, 0, 0, 0];
  const big = padlock(x, y, 58, 66, 1.25);
  if (big.solid < 0 && big.keyhole > 0) return [255, 255, 255, 255];
  const small = padlock(x, y, 100, 28, 0.5);
  if (Math.abs(small.solid) < 2.2) return [140, 230, 170, 255];
  return [16, 78, 96, 255];
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SUPERSAMPLE; sy++) {
      for (let sx = 0; sx < SUPERSAMPLE; sx++) {
        const colour = sample(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
        for (let c = 0; c < 4; c++) sum[c] += colour[c];
      }
    }
    const samples = SUPERSAMPLE * SUPERSAMPLE;
    for (let c = 0; c < 4; c++) rgba[(py * SIZE + px) * 4 + c] = Math.round(sum[c] / samples);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit depth, RGBA, deflate, no filter method, no interlace

// Each scanline starts with filter type 0 (none).
const scanlines = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let row = 0; row < SIZE; row++) {
  rgba.copy(scanlines, row * (SIZE * 4 + 1) + 1, row * SIZE * 4, (row + 1) * SIZE * 4);
}

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(scanlines, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
