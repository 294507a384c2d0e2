// Memory over time: 100 cycles of create → train → evaluate → save → dispose (an ICL session and
// a continual run per cycle) in one page must leave the worker's wasm heap flat. The heap grows
// and never shrinks, so after the first cycles have set its working size, a leak shows as
// growth; the bound is 10% between cycle 25 (every learner and backbone has been built a few
// times by then) and cycle 100. The second test does the same on WebGPU (SwiftShader) and also
// bounds the GPU buffers alive, as the worker counts them (diagnostics().gpuBytes). Both print
// their figures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

test("100 create/train/dispose cycles leave the wasm heap flat (within 10%) and nothing alive", async () => {
  const page = await browser.apiPage();
  const samples = await page.evaluate(async () => {
    const { iclab } = window;
    const strategies = ["naive", "replay", "ewc", "lwf", "ncm", "slda", "analytic", "protonet"];
    const out = { start: await iclab.diagnostics() };
    const t0 = performance.now();
    for (let i = 1; i <= 100; i++) {
      const s = await iclab.createSession({
        device: "cpu",
        batchSize: 16,
        model: i % 2 ? "transformer" : "xlstm",
        seed: i,
      });
      for await (const _ of s.train({ steps: 3, every: 3 }));
      await s.evaluate({ prompts: 64, baselines: ["least_squares"] });
      await iclab.loadSession(await s.save(), "cpu").then((copy) => copy.dispose());
      await s.dispose();
      const run = await iclab.startContinual({
        device: "cpu",
        dataset: { kind: "two_d", shape: "blobs", classes: 4, perClass: 30 },
        strategy: strategies[i % strategies.length],
        iterationsPerTask: 5,
        seed: i,
      });
      await run.advance(10);
      await run.boundary(16);
      await run.dispose();
      if ([1, 10, 25, 50, 100].includes(i)) out[i] = await iclab.diagnostics();
    }
    out.seconds = (performance.now() - t0) / 1000;
    return out;
  });
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  console.log(
    `wasm heap: start ${mb(samples.start.wasmBytes)} MiB, after 1 cycle ${mb(samples[1].wasmBytes)}, 10: ${mb(samples[10].wasmBytes)}, 25: ${mb(samples[25].wasmBytes)}, ` +
      `50: ${mb(samples[50].wasmBytes)}, 100: ${mb(samples[100].wasmBytes)} MiB (${samples.seconds.toFixed(1)} s for 100 cycles)`,
  );
  for (const at of [1, 10, 25, 50, 100])
    assert.equal(samples[at].liveSessions, 0, `cycle ${at}: sessions left alive`);
  const growth = samples[100].wasmBytes / samples[25].wasmBytes - 1;
  assert.ok(growth <= 0.1, `the heap grew ${(100 * growth).toFixed(1)}% from cycle 25 to 100`);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("100 cycles on WebGPU leave GPU buffer use and the wasm heap flat (within 10%)", async () => {
  const gpuBrowser = await open({ webgpu: true });
  try {
    const page = await gpuBrowser.apiPage();
    const samples = await page.evaluate(async () => {
      const { iclab } = window;
      const out = { start: await iclab.diagnostics() };
      const t0 = performance.now();
      // SwiftShader takes ~5 s per training step even for the smallest model, so every cycle
      // builds, evaluates, saves, reloads and frees a model on the GPU, and every 5th trains it.
      for (let i = 1; i <= 100; i++) {
        const config = {
          device: "webgpu",
          dims: 2,
          points: 3,
          batchSize: 4,
          preset: "tiny",
          model: i % 10 ? "transformer" : "xlstm",
          seed: i,
        };
        const s = await iclab.createSession(config);
        if (i % 5 === 1) for await (const _ of s.train({ steps: 1, snapshotSeconds: 0 }));
        await s.evaluate({ prompts: 16, baselines: [] });
        await iclab.loadSession(await s.save(), "webgpu").then((copy) => copy.dispose());
        await s.dispose();
        if (i % 10 === 5) {
          const run = await iclab.startContinual({
            device: "webgpu",
            iterationsPerTask: 1,
            dataset: { kind: "two_d", shape: "blobs", classes: 4, perClass: 10 },
            seed: i,
          });
          await run.advance(2);
          await run.dispose();
        }
        if ([1, 10, 25, 50, 75, 100].includes(i)) out[i] = await iclab.diagnostics();
      }
      out.seconds = (performance.now() - t0) / 1000;
      return out;
    });
    const mb = (b) => (b / 2 ** 20).toFixed(2);
    const at = [1, 10, 25, 50, 75, 100];
    console.log(
      `GPU buffers alive: ${at.map((i) => `${i}: ${samples[i].gpuBuffers} (${mb(samples[i].gpuBytes)} MiB)`).join(", ")}`,
    );
    console.log(
      `wasm heap: ${at.map((i) => `${i}: ${mb(samples[i].wasmBytes)} MiB`).join(", ")} (${samples.seconds.toFixed(1)} s for 100 cycles)`,
    );
    for (const i of at) assert.equal(samples[i].liveSessions, 0, `cycle ${i}: sessions left alive`);
    assert.ok(samples[1].gpuBytes > 0, "the buffers the models use are counted");
    const grew = (key) => samples[100][key] / samples[25][key] - 1;
    assert.ok(
      grew("gpuBytes") <= 0.1,
      `GPU buffer bytes grew ${(100 * grew("gpuBytes")).toFixed(1)}% from cycle 25 to 100`,
    );
    assert.ok(
      grew("wasmBytes") <= 0.1,
      `the heap grew ${(100 * grew("wasmBytes")).toFixed(1)}% from cycle 25 to 100`,
    );
    assert.deepEqual(page.consoleErrors, []);
    await page.close();
  } finally {
    await gpuBrowser.close();
  }
});
