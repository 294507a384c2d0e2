#!/usr/bin/env node
// Draws the web app's icons (www/public/icons/icon-<size>.png, referenced by
// www/public/manifest.webmanifest): a blue rounded square with a falling learning curve and
// three example points, as PNGs written with node's zlib (no image library). Run once; the icons
// are committed.
//   node scripts/icons.mjs
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import zlib from "node:zlib";

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(bytes) {
  let c = -1;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // no filter
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const BLUE = [29, 78, 216, 255];
const WHITE = [255, 255, 255, 255];
const AMBER = [252, 211, 77, 255];
/** The curve: error falling as examples arrive, in unit coordinates (y down). */
const curve = (u) => 0.28 + 0.46 * Math.exp(-4.2 * (u - 0.2));
const POINTS = [
  [0.3, 0.6],
  [0.48, 0.42],
  [0.7, 0.33],
];

function pixel(u, v) {
  // rounded square (maskable: the artwork stays inside the middle 80%)
  const r = 0.18;
  const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r));
  const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r));
  if (Math.hypot(dx, dy) > r) return [0, 0, 0, 0];
  for (const [px, py] of POINTS) if (Math.hypot(u - px, v - py) < 0.045) return AMBER;
  if (u > 0.2 && u < 0.8) {
    // distance to the curve, measured vertically and scaled by its slope
    const slope = Math.abs(4.2 * 0.46 * Math.exp(-4.2 * (u - 0.2)));
    if (Math.abs(v - curve(u)) / Math.sqrt(1 + slope * slope) < 0.03) return WHITE;
  }
  // axes
  if (Math.abs(u - 0.2) < 0.015 && v > 0.2 && v < 0.8) return WHITE;
  if (Math.abs(v - 0.8) < 0.015 && u > 0.2 && u < 0.82) return WHITE;
  return BLUE;
}

const dir = join(import.meta.dirname, "../www/public/icons");
for (const size of [192, 512]) {
  writeFileSync(join(dir, `icon-${size}.png`), png(size, pixel));
  console.log(`icons/icon-${size}.png`);
}
