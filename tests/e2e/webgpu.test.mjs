// The page in a browser that exposes a software WebGPU adapter (SwiftShader).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, QUICK, screenshot, trainToEnd } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: true });
});
after(async () => {
  await browser?.close();
});

test("forced webgpu trains on the SwiftShader adapter and the loss falls", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=webgpu&evalPrompts=64&${QUICK}`);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
    timeout: 300_000,
  });
  await page.click("#train");
  // SwiftShader compiles every shader on the CPU: the wait is counted and explained, never silent
  await page.waitForFunction(
    () => /\d+ s….*software renderer/.test(document.getElementById("status").textContent),
    null,
    { timeout: 120_000 },
  );
  const run = await trainToEnd(page, 480_000, false);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "webgpu");
  assert.equal(run.step, 12);
  assert.ok(run.lastLoss < run.firstLoss, `loss ${run.firstLoss} -> ${run.lastLoss}`);
  // a software adapter is not shown as a green GPU badge
  assert.match(await page.textContent("#device-badge"), /WebGPU · .*\(software, slow\)/);
  assert.equal(
    await page.evaluate(() => document.getElementById("device-badge").dataset.software),
    "true",
  );
  assert.deepEqual(page.consoleErrors, []);
  await page.click("#evaluate");
  await page.waitForFunction(() => document.body.dataset.evaluated, null, { timeout: 480_000 });
  const path = await screenshot(page, "trained-webgpu");
  console.log(`screenshot: ${path}`);
  await page.close();
});

test("auto picks the CPU over a software adapter and says why", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?${QUICK}`);
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "cpu");
  assert.match(run.reason, /software/);
  assert.ok(run.lastLoss < run.firstLoss, `loss ${run.firstLoss} -> ${run.lastLoss}`);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "trained-auto");
  await page.close();
});

test("an xLSTM trains on the SwiftShader adapter (mLSTM parallel form, sLSTM loop on the GPU)", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}icl.html?model=xlstm&device=webgpu&${QUICK.replace("steps=12&every=3", "steps=2&every=2").replace("evalPrompts=64", "evalPrompts=16")}`,
  );
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "webgpu");
  assert.equal(run.step, 2);
  assert.ok(
    Number.isFinite(run.firstLoss) && Number.isFinite(run.lastLoss),
    `loss ${run.firstLoss} -> ${run.lastLoss}`,
  );
  const curves = await page.evaluate(() => JSON.parse(document.body.dataset.curves ?? "{}"));
  assert.equal(curves.model?.length, 5, "the xLSTM is evaluated at every k");
  assert.ok(curves.model.every(Number.isFinite));
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "xlstm-webgpu");
  await page.close();
});

test("the continual page trains on the SwiftShader adapter with per-iteration evaluation", async () => {
  const page = await browser.page();
  const start = Date.now();
  await page.goto(
    `${browser.url}continual.html?device=webgpu&classes=4&perClass=30&iterationsPerTask=4&every=2&compare=replay`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 480_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const r = await page.evaluate(() => JSON.parse(document.body.dataset.results));
  // a software adapter is not shown as a green GPU badge
  assert.match(await page.textContent("#device-badge"), /WebGPU · .*\(software, slow\)/);
  assert.equal(
    await page.evaluate(() => document.getElementById("device-badge").dataset.software),
    "true",
  );
  // 2 tasks × 4 steps, evaluated after every step: 9 points per task curve
  assert.equal(r.a.step, 8);
  assert.equal(r.b.accuracyMatrix.length, 2);
  const colours = await page.evaluate(() => {
    const c = document.getElementById("boundary-b");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 28) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 2, `boundary colours ${colours}`);
  assert.deepEqual(page.consoleErrors, []);
  console.log(`continual on SwiftShader: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  await page.close();
});

test("the federated page's FedAvg trains on the SwiftShader adapter (prototypes merge on the host)", async () => {
  const page = await browser.page();
  const start = Date.now();
  await page.goto(
    `${browser.url}federated.html?device=webgpu&classes=4&clients=2&perClass=30&rounds=1&localSteps=3`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 300_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(d.merged, d.ceiling);
  assert.ok(Number(d.fedavg) >= 0 && Number(d.fedavg) <= 1, d.fedavg);
  assert.match(await page.textContent("#verdict"), /FedAvg after 1 round/);
  assert.deepEqual(page.consoleErrors, []);
  console.log(`federated on SwiftShader: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  await page.close();
});

test("the plasticity page trains on the SwiftShader adapter, continual backprop's unit surgery included", async () => {
  const page = await browser.page();
  const start = Date.now();
  await page.goto(
    `${browser.url}plasticity.html?device=webgpu&tasks=5&iterationsPerTask=3&every=5&compare=continual_backprop&maturity=1&replacementRate=0.1`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 300_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  assert.equal(await page.evaluate(() => document.body.dataset.tasksShown), "5");
  assert.deepEqual(page.consoleErrors, []);
  console.log(`plasticity on SwiftShader: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  await page.close();
});

test("the classification page trains on the SwiftShader adapter: accuracies and the attention at the query", async () => {
  const page = await browser.page();
  const start = Date.now();
  await page.goto(
    `${browser.url}classify.html?device=webgpu&steps=2&every=2&evalEvery=2&evalPrompts=16&batchSize=32`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 480_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(d.step, "2");
  assert.equal(d.evaluatedStep, "2");
  assert.ok(Number(d.inContext) >= 0 && Number(d.inWeights) >= 0);
  assert.match(await page.textContent("#device-badge"), /WebGPU/);
  const rows = await page.$$eval(".attention-table tbody tr", (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => Number(td.textContent))),
  );
  assert.equal(rows.length, 2);
  for (const row of rows)
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.05, `a distribution: ${row}`);
  assert.deepEqual(page.consoleErrors, []);
  console.log(`classify on SwiftShader: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  await page.close();
});

test("the Markov page trains on the SwiftShader adapter", async () => {
  const page = await browser.page();
  const start = Date.now();
  await page.goto(`${browser.url}markov.html?steps=4&every=2&device=webgpu`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 240_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  assert.equal(await page.evaluate(() => document.body.dataset.evaluations), "3");
  console.log(`markov on SwiftShader: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
