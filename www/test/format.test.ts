// Small pure helpers: durations, CSV, the from-scratch target's reading.
import assert from "node:assert/strict";
import { test } from "node:test";
import { csv, errorCurveRows } from "../src/shell/files.js";
import { formatDuration } from "../src/shell/progress.js";
import { errorAtTwoD } from "../src/pages/icl/target.js";

test("durations read as people say them", () => {
  assert.equal(formatDuration(0.4), "under a second");
  assert.equal(formatDuration(42.4), "42 s");
  assert.equal(formatDuration(80), "1 min 20 s");
  assert.equal(formatDuration(3 * 3600 + 120), "3 h 2 min");
  assert.equal(formatDuration(Number.NaN), "");
  assert.equal(formatDuration(-1), "");
});

test("CSV quotes what needs quoting and leaves missing values empty", () => {
  assert.equal(
    csv(
      ["a", "b"],
      [
        [1, 'say "hi"'],
        [undefined, "x,y"],
      ],
    ),
    'a,b\n1,"say ""hi"""\n,"x,y"\n',
  );
  const rows = errorCurveRows({ model: { mean: [1, 0.5], lower: [0.9, 0.4], upper: [1.1, 0.6] } });
  assert.deepEqual(rows, [
    ["error_vs_k", "model", 0, 1, 0.9, 1.1],
    ["error_vs_k", "model", 1, 0.5, 0.4, 0.6],
  ]);
});

test("the target is read at k = 2d, and not at all from prompts too short for it", () => {
  const mean = [1, 0.8, 0.6, 0.4, 0.2, 0.1];
  assert.equal(errorAtTwoD(mean, 2), 0.2);
  assert.equal(errorAtTwoD(mean, 3), undefined);
  assert.equal(errorAtTwoD(undefined, 2), undefined);
});
