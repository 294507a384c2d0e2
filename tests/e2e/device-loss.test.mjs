// Losing the GPU mid-run. The browser's own device loss is triggered: a line put in front of
// the worker script keeps a handle on every GPUDevice the wasm opens and calls `destroy()` on
// it when the page says so (a BroadcastChannel). Everything after that is the product's path:
// `GPUDevice.lost` fires, the session answers `device_lost`, `recover()` continues on the CPU.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, QUICK } from "./helpers.mjs";

const LOSE_DEVICE = `
{
  const devices = [];
  const request = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await request.apply(this, args);
    devices.push(device);
    return device;
  };
  new BroadcastChannel("iclab-test-device").onmessage = () => devices.forEach((d) => d.destroy());
}
`;

let browser;
before(async () => {
  browser = await open({ webgpu: true });
  await browser.context.route(/\/assets\/worker-[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: LOSE_DEVICE + (await response.text()) });
  });
});
after(async () => {
  await browser?.close();
});

const loseDevice = () => new BroadcastChannel("iclab-test-device").postMessage("destroy");

/** Loses the GPU under a training demo page, waits for the run to end, and reads the page. */
async function loseAndFinish(page) {
  await page.evaluate(`(${loseDevice})()`);
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 300_000,
  });
  return page.evaluate(() => ({
    state: document.body.dataset.state,
    step: Number(document.body.dataset.step),
    steps: [document.body.dataset.stepTransformer, document.body.dataset.stepXlstm].map(Number),
    recovered: document.body.dataset.recovered,
    kind: document.getElementById("device-badge").dataset.kind,
    status: document.getElementById("status").textContent,
    curves: JSON.parse(document.body.dataset.curves ?? "{}"),
  }));
}

test("a lost GPU is reported as device_lost and the session continues on the CPU from its snapshot", async () => {
  const page = await browser.apiPage();
  const out = await page.evaluate(async () => {
    const { iclab } = window;
    const config = {
      device: "webgpu",
      dims: 3,
      points: 5,
      batchSize: 16,
      learningRate: 0.01,
      warmupSteps: 0,
      seed: 3,
    };
    const probe = { prompts: 64, seed: 11, baselines: [] };
    const s = await iclab.createSession(config);
    const steps = [];
    for await (const { report } of s.train({ steps: 1 })) steps.push(report.step);
    const snapshotStep = s.snapshotStep; // the first report's
    const before = (await s.evaluate(probe)).curves.model.mean; // the model at the snapshot
    // No second snapshot, however slow the adapter: recovery must land on step 1.
    for await (const { report } of s.train({ steps: 2, every: 1, snapshotSeconds: 3600 }))
      steps.push(report.step);
    const later = (await s.evaluate(probe)).curves.model.mean;
    new BroadcastChannel("iclab-test-device").postMessage("destroy");
    const caught = async (promise) =>
      promise.then(
        () => null,
        (e) => ({ code: e.code, message: e.message, name: e.name }),
      );
    const drain = async () => {
      for await (const _ of s.train({ steps: 1 }));
    };
    // The first call after the loss may race the browser's report; the core answers the rest.
    const lost = [await caught(drain()), await caught(drain()), await caught(s.evaluate(probe))];
    const capabilities = await iclab.capabilities();
    const forced = await caught(iclab.createSession(config));
    const auto = await iclab.createSession({ ...config, device: "auto" });
    const autoInfo = auto.deviceInfo;
    await auto.dispose();
    const from = await s.recover();
    const recovered = (await s.evaluate(probe)).curves.model.mean;
    const after = [];
    for await (const { report: r } of s.train({ steps: 2, every: 1 }))
      after.push({ step: r.step, device: r.device, loss: r.loss });
    const live = (await iclab.diagnostics()).liveSessions;
    await s.dispose();
    return {
      steps,
      snapshotStep,
      before,
      later,
      lost,
      capabilities,
      forced,
      autoInfo,
      from,
      kind: s.deviceInfo.kind,
      recovered,
      after,
      live,
      liveAfter: (await iclab.diagnostics()).liveSessions,
    };
  });
  assert.deepEqual(out.steps, [1, 2, 3]);
  assert.equal(out.snapshotStep, 1, "a WebGPU session snapshots after its first report");
  for (const e of out.lost) {
    assert.equal(e?.name, "IclabError");
    assert.equal(e.code, "device_lost", e.message);
    assert.match(e.message, /the GPU device was lost \(destroyed/);
  }
  assert.equal(out.capabilities.webgpuPreferred, false);
  assert.match(out.capabilities.reason, /WebGPU is not used: the WebGPU device was lost earlier/);
  assert.equal(out.forced?.code, "device_unavailable");
  assert.equal(out.autoInfo.kind, "cpu");
  assert.match(out.autoInfo.fallbackReason, /was lost earlier/);
  assert.equal(out.from, 1);
  assert.equal(out.kind, "cpu");
  // The recovered model is the snapshot: the same errors on the same prompts as on the GPU at
  // that step, up to float differences between SwiftShader and the CPU backend; the model at
  // step 3 differs far more.
  const gap = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
  assert.equal(out.recovered.length, out.before.length);
  console.log(
    `recovered vs snapshot: ${gap(out.recovered, out.before).toExponential(2)}; step 3 vs snapshot: ${gap(out.later, out.before).toExponential(2)}`,
  );
  assert.ok(
    gap(out.recovered, out.before) < 1e-3,
    `snapshot ${out.before} vs recovered ${out.recovered}`,
  );
  assert.ok(
    gap(out.later, out.before) > 1e-2,
    `training moved the model: ${out.before} vs ${out.later}`,
  );
  assert.deepEqual(
    out.after.map((r) => [r.step, r.device]),
    [
      [2, "cpu"],
      [3, "cpu"],
    ],
  );
  assert.ok(out.after.every((r) => Number.isFinite(r.loss)));
  assert.equal(out.live, 1, "the session on the lost GPU was freed when it moved");
  assert.equal(out.liveAfter, 0);
  await page.close();
});

test("the in-context page says the GPU was lost and finishes the run on the CPU", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=webgpu&${QUICK}`);
  await page.click("#train");
  await page.waitForFunction(() => Number(document.body.dataset.step) >= 6, null, {
    timeout: 300_000,
  });
  const run = await loseAndFinish(page);
  assert.equal(run.state, "done", run.status);
  // Snapshots come after the first report (step 3) and then every 30 s, so on a slow adapter a
  // later report may hold the newest one: the run continues from a report at or before the loss.
  const [, lostAt, from] =
    run.status.match(
      /The GPU was lost at step (\d+); training continues on the CPU from step (\d+)/,
    ) ?? [];
  assert.ok(lostAt && from, run.status);
  assert.equal(run.recovered, from);
  assert.ok(
    Number(from) >= 3 && Number(from) % 3 === 0 && Number(from) <= Number(lostAt),
    `from ${from}, lost at ${lostAt}`,
  );
  assert.equal(run.step, 12);
  assert.equal(run.kind, "cpu");
  assert.ok(
    run.curves.model?.every(Number.isFinite),
    "the error curve is drawn from the recovered model",
  );
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("the compare page moves both models to the CPU and finishes", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}compare.html?start=scratch&device=webgpu&dims=2&points=3&evalPrompts=16&steps=4&every=1&seed=3`,
  );
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 300_000 },
  );
  await page.click("#train");
  await page.waitForFunction(() => Number(document.body.dataset.stepXlstm) >= 2, null, {
    timeout: 300_000,
  });
  const run = await loseAndFinish(page);
  assert.equal(run.state, "done", run.status);
  assert.deepEqual(run.steps, [4, 4]);
  assert.equal(run.kind, "cpu");
  const [, lostAt, from] =
    (run.recovered ?? "").match(
      /The GPU was lost at step (\d+); training continues on the CPU from step (\d+)/,
    ) ?? [];
  assert.ok(lostAt && from, `recovered: ${run.recovered}`);
  assert.ok(Number(from) >= 1 && Number(from) <= Number(lostAt), `from ${from}, lost at ${lostAt}`);
  for (const model of ["transformer", "xlstm"])
    assert.ok(run.curves[model]?.every(Number.isFinite), `${model}'s curve after the move`);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
