// A drawn digit prepared as MNIST's were: scaled into 20 × 20, centred by mass, pooled to 14 × 14.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SIDE, digitInput } from "../src/pages/continual/ink.js";

/** A `size²` image with a filled rectangle of ink. */
function rect(
  size: number,
  top: number,
  left: number,
  height: number,
  width: number,
): Float32Array {
  const ink = new Float32Array(size * size);
  for (let r = top; r < top + height; r++)
    for (let c = left; c < left + width; c++) ink[r * size + c] = 1;
  return ink;
}

test("nothing drawn is no input", () => {
  assert.equal(digitInput(new Float32Array(100), 10), null);
});

test("a stroke anywhere on the canvas lands centred, scaled to MNIST's 20-pixel box", () => {
  // a tall bar in the top-left corner of a 280 × 280 canvas
  const input = digitInput(rect(280, 10, 10, 200, 40), 280);
  assert.ok(input);
  assert.equal(input.length, SIDE * SIDE);
  const rows = Array.from({ length: SIDE }, (_, r) =>
    Array.from({ length: SIDE }, (_, c) => input[r * SIDE + c] ?? 0),
  );
  const inked = (line: number[]) => line.some((v) => v > 0.2);
  const inkedRows = rows.map(inked);
  // 20 of 28 rows high = 10 of 14, from row 2 to row 11
  assert.equal(inkedRows.filter(Boolean).length, 10);
  assert.equal(inkedRows.indexOf(true), 2);
  // 40 × 20/200 = 4 of 28 columns wide = 2 of 14, in the middle
  const columns = Array.from({ length: SIDE }, (_, c) => rows.some((line) => (line[c] ?? 0) > 0.2));
  assert.deepEqual(
    columns.flatMap((on, c) => (on ? [c] : [])),
    [6, 7],
  );
  assert.ok(input.every((v) => v >= 0 && v <= 1));
});

test("the same digit drawn small or large, here or there, reads the same", () => {
  const big = digitInput(rect(280, 40, 100, 200, 80), 280);
  const small = digitInput(rect(280, 150, 20, 50, 20), 280);
  assert.ok(big && small);
  const diff = big.reduce((a, v, i) => a + Math.abs(v - (small[i] ?? 0)), 0);
  assert.ok(diff < 3, `summed difference ${diff}`);
});
