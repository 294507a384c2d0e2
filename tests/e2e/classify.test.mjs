// The in-context classification page (docs/SCIENCE.md §4) on the CPU path: the shipped phase
// diagram as the main figure (a cell per (B, K) of the sweep, picking one loads its settings into
// the URL), every setting round-tripping through the URL, and a few training steps with both
// evaluations and the attention at the query drawn. The WebGPU run is in webgpu.test.mjs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

const SWEEP = JSON.parse(
  readFileSync(new URL("../../www/public/classify/sweep.json", import.meta.url), "utf8"),
);
const LONG = JSON.parse(
  readFileSync(new URL("../../www/public/classify/transience.json", import.meta.url), "utf8"),
);

let browser;
let page;
before(async () => {
  browser = await open({ webgpu: false });
  page = await browser.page();
});
after(async () => {
  await browser?.close();
});

const ready = () =>
  page.waitForFunction(
    () => document.body.dataset.ready === "true" && document.body.dataset.state === "idle",
    null,
    { timeout: 60_000 },
  );

test("the shipped phase diagram: a cell per (B, K, ε) of the sweep, and picking one sets B and K in the URL", async () => {
  await page.goto(`${browser.url}classify.html?device=cpu`);
  await ready();
  const points = new Set(SWEEP.runs.map((r) => `${r.noise}/${r.burstiness}/${r.classes}`));
  assert.equal(Number(await page.evaluate(() => document.body.dataset.phaseCells)), points.size);
  assert.equal(await page.locator(".phase-cell").count(), points.size);
  // the page's own setting (K = 1,024, B = 2, ε = 0.1) is the marked cell
  assert.equal(await page.locator('.phase-cell[aria-current="true"]').count(), 1);
  // the sentences and the cells' winners are the core's findings (no page decides one); the
  // shipped data show in-context learning winning with many classes in bursty contexts and
  // in-weights learning with few classes
  const summary = await page.textContent("#phase-summary");
  for (const statement of SWEEP.phase.statements) assert.ok(summary.includes(statement), statement);
  const cell = (noise, b, k) =>
    SWEEP.phase.cells.find((c) => c.noise === noise && c.burstiness === b && c.classes === k);
  assert.equal(cell(0.1, 2, 1024).winner, "in_context");
  assert.equal(cell(0.1, 1, 16).winner, "in_weights");
  assert.match(
    summary,
    /ε = 0\.1, after 6,000 steps \(2 seeds\): in-context learning wins with .*B = 2 at K = [\d, ]*1,024/,
  );
  const undecided = SWEEP.phase.cells.filter(
    (c) => c.weightDecay === 0 && c.winner === null,
  ).length;
  assert.equal(Number(await page.evaluate(() => document.body.dataset.undecidedCells)), undecided);
  assert.equal(
    await page.locator(".phase-cell .who", { hasText: "seeds cannot say" }).count(),
    undecided,
  );
  // the long runs at the page's B = 2: the mean over seeds per weight decay, one point per evaluated
  // step, and the core's transience finding with its weight-decay sentences under the chart
  const long = LONG.runs.filter((r) => r.burstiness === 2);
  assert.deepEqual([...new Set(long.map((r) => r.weightDecay))].sort(), [0, 0.0001, 0.001]);
  const steps = new Set(long.flatMap((r) => r.curve.map((p) => p.step)));
  assert.equal(Number(await page.getAttribute("#transience-chart", "data-points")), steps.size);
  const finding = LONG.transience.find((t) => t.burstiness === 2);
  assert.equal(
    await page.textContent("#transience-summary"),
    [finding.statement, ...finding.weightDecay.map((e) => e.statement)].join(" "),
  );
  assert.equal(await page.evaluate(() => document.body.dataset.transience), finding.outcome);
  assert.equal(await page.isVisible("#transience-why"), finding.outcome === "not_seen");
  await screenshot(page, "classify");
  // pick the first cell of the first table (smallest B and K): the URL follows
  const first = SWEEP.runs.reduce((a, r) =>
    r.noise < a.noise ||
    (r.noise === a.noise &&
      (r.burstiness < a.burstiness || (r.burstiness === a.burstiness && r.classes < a.classes)))
      ? r
      : a,
  );
  await page.locator(".phase-cell").first().click();
  await page.waitForFunction(
    (k) => new URL(location.href).searchParams.get("classes") === String(k),
    first.classes,
  );
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get("burstiness"), String(first.burstiness));
  assert.equal(await page.inputValue('input[name="classes"]'), String(first.classes));
  assert.deepEqual(page.consoleErrors, []);
});

test("every setting round-trips through the URL, and a bad one is named", async () => {
  const query =
    "classes=64&burstiness=4&noise=0.3&zipf=0.5&pairs=8&labels=32&backbone=transformer&layers=3&dModel=32&heads=2&weightDecay=0.001&steps=100&evalEvery=50&seed=7&device=cpu";
  await page.goto(`${browser.url}classify.html?${query}`);
  await ready();
  const back = new URL(page.url()).searchParams;
  for (const [k, v] of new URLSearchParams(query)) assert.equal(back.get(k), v, `${k} kept`);
  assert.equal(await page.inputValue('select[name="backbone"]'), "transformer");
  assert.equal(await page.inputValue('input[name="pairs"]'), "8");
  await page.goto(`${browser.url}classify.html?classes=banana&device=cpu`);
  await ready();
  assert.match(await page.textContent("#status"), /classes/);
  assert.equal(await page.inputValue('input[name="classes"]'), "1024", "the default instead");
});

test("a few steps in the page: loss, both accuracies and the attention at the query", async () => {
  await page.goto(
    `${browser.url}classify.html?device=cpu&steps=6&every=3&evalEvery=3&evalPrompts=32`,
  );
  await ready();
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  // a finished run says how to go on
  assert.match(
    await page.textContent("#status"),
    /To train on, raise Steps \(now 6\) and press Train\.$/,
  );
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(d.step, "6");
  assert.equal(d.evaluatedStep, "6");
  for (const v of [d.inContext, d.inWeights]) assert.ok(Number(v) >= 0 && Number(v) <= 1, v);
  assert.equal(d.heads, "2", "Reddy's network: one head in each of two layers");
  // the emergence bar is the core's: halfway from copying one of the context's labels (B/N = 0.5) to 1
  assert.match(
    await page.textContent("#emergence"),
    /the bar: halfway from 0\.50 \(copying one of the context's labels\) to perfect, 0\.75/,
  );
  // the heatmap: a row per head, a column per token (2N + 1 = 9), each row a distribution
  const rows = await page.$$eval(".attention-table tbody tr", (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => Number(td.textContent))),
  );
  assert.equal(rows.length, 2);
  for (const row of rows) {
    assert.equal(row.length, 9);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.05, `sums to 1: ${row}`);
  }
  assert.ok(
    (await page.locator(".attention-table thead th[data-match]").count()) >= 1,
    "the query's class is in a bursty context",
  );
  // blank model, then steps 3 and 6
  assert.equal(await page.getAttribute("#accuracy-chart", "data-points"), "3");
  assert.equal(await page.getAttribute("#loss-chart", "data-points"), "2");
  // on a phone the live chart, once a run exists, comes before the phase table; on a desktop
  // the phase table stays first
  const tops = () =>
    page.evaluate(() =>
      ["live-figure", "phase"].map((id) => document.getElementById(id).getBoundingClientRect().top),
    );
  const [liveWide, phaseWide] = await tops();
  assert.ok(phaseWide < liveWide, `desktop: phase ${phaseWide}, live ${liveWide}`);
  await page.setViewportSize({ width: 390, height: 844 });
  const [livePhone, phasePhone] = await tops();
  await screenshot(page, "classify-trained-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.ok(livePhone < phasePhone, `phone: live ${livePhone}, phase ${phasePhone}`);
  // a changed setting ends the run once the visitor agrees to lose the trained model; Train
  // starts afresh with it (the xLSTM: no attention to draw)
  await page.selectOption('select[name="backbone"]', "xlstm");
  assert.match(await page.textContent("#status"), /^Changing .* starts a new model/);
  await page.click("#status button.discard");
  await page.waitForFunction(() =>
    /Settings changed/.test(document.getElementById("status").textContent),
  );
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  assert.equal(await page.locator(".attention-table").count(), 0);
  assert.match(await page.textContent("#induction"), /xLSTM has no attention/);
  assert.deepEqual(page.consoleErrors, []);
});
