// Memory over time: 100 cycles of create → train → evaluate → save → dispose (an ICL session and
// a continual run per cycle) in one page must leave the worker's wasm heap flat. The heap grows
// and never shrinks, so after the first cycles have set its working size, a leak shows as
// growth; the bound is 10% between cycle 25 (every learner and backbone has been built a few
// times by then) and cycle 100. The test prints the figures.
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
      const s = await iclab.createSession({ device: "cpu", batchSize: 16, model: i % 2 ? "transformer" : "xlstm", seed: i });
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
  for (const at of [1, 10, 25, 50, 100]) assert.equal(samples[at].liveSessions, 0, `cycle ${at}: sessions left alive`);
  const growth = samples[100].wasmBytes / samples[25].wasmBytes - 1;
  assert.ok(growth <= 0.1, `the heap grew ${(100 * growth).toFixed(1)}% from cycle 25 to 100`);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
