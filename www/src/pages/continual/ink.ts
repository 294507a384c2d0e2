/**
 * A drawn digit as the learners read it, prepared the way MNIST prepared its digits (LeCun et al.:
 * the ink's bounding box scaled to fit 20 × 20 pixels, keeping its aspect ratio, then placed in a
 * 28 × 28 image with its centre of mass at the centre) and pooled 2 × 2 to the 14 × 14 inputs of
 * iclab's digits (scripts/build-digits.mjs): values in [0, 1], row by row.
 */

/** MNIST's frame and the box the ink is scaled into. */
const FRAME = 28;
const BOX = 20;
/** iclab's digits: 2 × 2 mean pooling of the 28 × 28 frame. */
export const SIDE = 14;

/**
 * `ink`: a `size × size` image, row by row, 0 = paper and 1 = ink (a canvas's alpha). Returns the
 * 14 × 14 input, or `null` when nothing is drawn.
 */
export function digitInput(ink: ArrayLike<number>, size: number): Float32Array | null {
  let [top, bottom, left, right] = [size, -1, size, -1];
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if ((ink[r * size + c] ?? 0) > 0.05) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
  if (bottom < 0) return null;
  const height = bottom - top + 1;
  const width = right - left + 1;
  const scale = BOX / Math.max(height, width);
  // the box, resampled (area average) to at most 20 × 20
  const h = Math.max(1, Math.round(height * scale));
  const w = Math.max(1, Math.round(width * scale));
  const box = new Float32Array(h * w);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const r0 = top + (r * height) / h;
      const r1 = top + ((r + 1) * height) / h;
      const c0 = left + (c * width) / w;
      const c1 = left + ((c + 1) * width) / w;
      let sum = 0;
      let n = 0;
      for (let y = Math.floor(r0); y < Math.ceil(r1); y++)
        for (let x = Math.floor(c0); x < Math.ceil(c1); x++) {
          sum += ink[y * size + x] ?? 0;
          n += 1;
        }
      box[r * w + c] = n ? sum / n : 0;
    }
  // centre of mass of the box
  let mass = 0;
  let my = 0;
  let mx = 0;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const v = box[r * w + c] ?? 0;
      mass += v;
      my += v * r;
      mx += v * c;
    }
  const dy = Math.round(FRAME / 2 - (mass ? my / mass : h / 2) - 0.5);
  const dx = Math.round(FRAME / 2 - (mass ? mx / mass : w / 2) - 0.5);
  const frame = new Float32Array(FRAME * FRAME);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const y = r + dy;
      const x = c + dx;
      if (y >= 0 && y < FRAME && x >= 0 && x < FRAME) frame[y * FRAME + x] = box[r * w + c] ?? 0;
    }
  const out = new Float32Array(SIDE * SIDE);
  for (let r = 0; r < SIDE; r++)
    for (let c = 0; c < SIDE; c++) {
      let sum = 0;
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 2; x++) sum += frame[(2 * r + y) * FRAME + 2 * c + x] ?? 0;
      out[r * SIDE + c] = Math.min(1, sum / 4);
    }
  return out;
}
