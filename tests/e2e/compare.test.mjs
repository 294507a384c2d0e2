// Transformer vs xLSTM page: both shipped linear models on the same prompts, their inference
// costs as the prompt grows, and side-by-side training.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

const data = (page, key) =>
  page.evaluate((k) => JSON.parse(document.body.dataset[k] ?? "null"), key);

test("both shipped linear models, their costs, and side-by-side training", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}compare.html?device=cpu&evalPrompts=512&steps=2&every=1`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 300_000 },
  );
  assert.equal(
    await page.evaluate(() => document.body.dataset.loaded),
    "transformer,xlstm",
    await page.textContent("#status"),
  );
  const curves = await data(page, "curves");
  const { transformer, xlstm, least_squares: ls, gd } = curves;
  assert.ok(transformer && xlstm && ls && gd, `curves: ${Object.keys(curves)}`);
  console.log(
    `transformer ${transformer.map((e) => e.toFixed(3))}\nxlstm       ${xlstm.map((e) => e.toFixed(3))}\nls          ${ls.map((e) => e.toFixed(3))}`,
  );
  const d = Number(await page.inputValue("input[name=dims]"));
  // Both learned in context: error falls with k; the xLSTM about as fast as 10 steps of gradient
  // descent on the examples, the transformer close to least squares.
  assert.ok(xlstm[2 * d] < 0.2 * xlstm[0], `xLSTM at k = 2d: ${xlstm[2 * d]}`);
  assert.ok(xlstm[2 * d] < gd[2 * d] + 0.05, `xLSTM ${xlstm[2 * d]} vs GD ${gd[2 * d]} at k = 2d`);
  assert.ok(transformer[2 * d] < 0.08, `transformer at k = 2d: ${transformer[2 * d]}`);
  // like for like: the xLSTM's tiny-preset twin, not the deeper transformer the in-context page ships
  assert.match(
    await page.textContent("#checkpoint-info"),
    /transformer: linear_compare\.safetensors.*xLSTM: xlstm_linear\.safetensors/,
  );

  // Costs: the transformer's cache grows by the same amount per token, the xLSTM's state is fixed.
  const cost = await data(page, "cost");
  const tokens = 2 * Number(await page.inputValue("input[name=points]"));
  assert.equal(cost.transformer.stateLast, tokens * cost.transformer.stateFirst);
  assert.ok(cost.transformer.workLast > cost.transformer.workFirst);
  assert.equal(cost.xlstm.stateLast, cost.xlstm.stateFirst);
  assert.equal(cost.xlstm.workLast, cost.xlstm.workFirst);
  assert.equal(cost.transformer.tokens, tokens);
  // The transformer's cache outgrows the xLSTM's state at the crossover the page reports.
  assert.ok(cost.transformer.crossover > 1, `crossover ${cost.transformer.crossover}`);
  assert.match(await page.textContent("#sizes"), /xLSTM [\d,]+ \(fixed\)/);

  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 300_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const steps = await page.evaluate(() =>
    [document.body.dataset.stepTransformer, document.body.dataset.stepXlstm].map(Number),
  );
  assert.ok(
    steps.every((s) => s > 1000),
    `both resumed from their checkpoints: ${steps}`,
  );
  const after = await data(page, "curves");
  assert.deepEqual(after.least_squares, ls, "baselines stay on the same prompts");
  assert.ok(after.xlstm.every(Number.isFinite));
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "compare-linear");
  await page.close();
});

test("from scratch with an sLSTM-only stack: settings in the URL, both models train", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}compare.html?start=scratch&ratio=0:1&dims=2&points=4&evalPrompts=32&steps=2&every=1&device=cpu&seed=3`,
  );
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  assert.equal(await page.inputValue("select[name=ratio]"), "0:1");
  assert.match(await page.textContent("#checkpoint-info"), /^$/);
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 300_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const steps = await page.evaluate(() =>
    [document.body.dataset.stepTransformer, document.body.dataset.stepXlstm].map(Number),
  );
  assert.deepEqual(steps, [2, 2]);
  const curves = await data(page, "curves");
  assert.equal(curves.xlstm.length, 4);
  assert.equal(curves.transformer.length, 4);
  const cost = await data(page, "cost");
  // sLSTM-only at width 64: per block 4·64 cell floats + 3·64 conv history, 4 blocks.
  assert.equal(cost.xlstm.stateFirst, 4 * (4 * 64 + 3 * 64));
  await page.selectOption("select[name=task]", "decision_tree");
  // both models were trained here: the page asks before it replaces them
  await page.click("#status button.discard");
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  assert.match(page.url(), /task=decision_tree/);
  assert.match(page.url(), /ratio=0%3A1|ratio=0:1/);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("decision trees: both shipped tree models load, next to the greedy tree and k-NN", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}compare.html?task=decision_tree&device=cpu&evalPrompts=128`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 300_000 },
  );
  assert.equal(await page.evaluate(() => document.body.dataset.loaded), "transformer,xlstm");
  const curves = await data(page, "curves");
  assert.deepEqual(Object.keys(curves).sort(), ["knn", "transformer", "tree", "xlstm", "zero"]);
  const last = curves.xlstm.length - 1;
  assert.equal(last, 20);
  assert.ok(curves.xlstm[last] < curves.tree[last] && curves.transformer[last] < curves.tree[last]);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "compare-decision-tree");
  await page.close();
});
