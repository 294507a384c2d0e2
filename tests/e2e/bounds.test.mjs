// Issue 33's cases through the package and its worker: calls that trapped the wasm are refused
// up front (`too_large`) or run in bounded memory; long calls give way (diagnostics() answers
// meanwhile) and stop when their AbortSignal fires; every rejection is an IclabError naming the
// right field; recover() leaves a healthy session as it is. One page, short calls.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

let browser;
let page;
before(async () => {
  browser = await open({ webgpu: false });
  page = await browser.apiPage();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` in the page with `iclab` and a helper that turns a rejection into its fields. */
const inPage = (body) =>
  page.evaluate(`(async () => {
    const { iclab } = window;
    const outcome = async (promise) => {
      try {
        await promise;
        return { ok: true };
      } catch (e) {
        return { iclab: e instanceof iclab.IclabError, code: e.code, field: e.field, message: String(e.message).slice(0, 2000) };
      }
    };
    ${body}
  })()`);

test("calls that trapped the worker are refused up front or run in bounded memory", async () => {
  const out = await inPage(`
    const big = { device: "cpu", dims: 64, points: 256, batchSize: 1, layers: 1, dModel: 16, heads: 2 };
    // every layer's stream for 12,288 prompts of 256 points at width 128: 11 GiB
    const wide = await iclab.createSession({ ...big, layers: 6, dModel: 128, heads: 4 });
    const layers = await outcome(wide.layers({ prompts: 4096, fitPrompts: 8192 }));
    await wide.dispose();
    const s = await iclab.createSession(big);
    const classify = await outcome(iclab.startClassify({ backbone: "transformer", dModel: 512, heads: 16, layers: 8, batchSize: 4096,
      task: { dims: 256, classes: 65536, labels: 256, pairs: 64 } }));
    // 20,000 prompts of 256 points in 64 dims: chunked now, so the heap does not grow with them;
    // cancelled after a second (it would take minutes on this CPU)
    const before = (await iclab.diagnostics()).wasmBytes;
    const controller = new AbortController();
    const started = performance.now();
    const running = outcome(s.evaluate({ prompts: 20000, signal: controller.signal }));
    let settled = false;
    void running.then(() => { settled = true; });
    const meanwhile = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const t = performance.now();
      const d = await iclab.diagnostics();
      // answered while the evaluation still ran: the worker gave way to it
      meanwhile.push({ ms: performance.now() - t, live: d.liveSessions, during: !settled });
    }
    controller.abort();
    const evaluation = await running;
    const stoppedAfter = performance.now() - started;
    const grown = (await iclab.diagnostics()).wasmBytes - before;
    // the session is free again and works
    const after = await outcome(s.evaluate({ prompts: 8 }));
    await s.dispose();
    // classification evaluation in chunks: 600 sequences of 129 tokens hold one chunk's maps
    const run = await iclab.startClassify({ device: "cpu", task: { pairs: 64, labels: 128, classes: 128, dims: 8 }, batchSize: 1, hidden: 8 });
    const heap = (await iclab.diagnostics()).wasmBytes;
    const accuracy = await run.evaluate(600);
    const classifyGrown = (await iclab.diagnostics()).wasmBytes - heap;
    await run.dispose();
    return { layers, classify, evaluation, stoppedAfter, meanwhile, grown, after, classifyGrown, attention: accuracy.queryAttention.length };
  `);
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  console.log(
    `evaluate(20000) on dims 64 / points 256: aborted ${out.stoppedAfter.toFixed(0)} ms after it began, diagnostics() in ` +
      `${out.meanwhile.map((m) => m.ms.toFixed(0)).join(", ")} ms meanwhile, heap +${mib(out.grown)} MiB; classify evaluate(600): heap +${mib(out.classifyGrown)} MiB`,
  );
  assert.deepEqual(
    [out.layers.code, out.layers.field],
    ["too_large", "fitPrompts"],
    out.layers.message,
  );
  assert.deepEqual(
    [out.classify.code, out.classify.field],
    ["too_large", "batchSize"],
    out.classify.message,
  );
  assert.equal(out.evaluation.code, "aborted", JSON.stringify(out.evaluation));
  assert.ok(out.evaluation.iclab);
  // behaviour, not this machine's speed (the times are printed above; `npm run bench` owns
  // speed): every diagnostics() call was answered while the evaluation still ran, and the
  // evaluation ended by the abort (code "aborted"), not by finishing its 20,000 prompts
  for (const m of out.meanwhile)
    assert.ok(m.during, `diagnostics() waited for the evaluation to end (${m.ms} ms)`);
  assert.ok(
    out.grown < 512 * 2 ** 20,
    `the heap grew ${out.grown} bytes (the predictions alone are 156 MiB)`,
  );
  assert.deepEqual(out.after, { ok: true });
  assert.ok(
    out.classifyGrown < 64 * 2 ** 20,
    `classification evaluation grew the heap ${out.classifyGrown} bytes`,
  );
  assert.equal(out.attention, 2, "two layers, one head each");
});

test("long baselines stop when cancelled; duplicates and huge lists cost nothing", async () => {
  const out = await inPage(`
    const ill = { dims: 64, points: 64, task: { kind: "ill_conditioned", conditionNumber: 1e8 } };
    const controller = new AbortController();
    const t = performance.now();
    const lasso = outcome(iclab.evaluateBaselines(ill, { baselines: ["lasso"], signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 500));
    const d = performance.now();
    await iclab.diagnostics();
    const diagnosticsMs = performance.now() - d;
    controller.abort();
    const aborted = await lasso;
    const lassoMs = performance.now() - t;
    // a signal that already fired: rejected without work
    const early = await outcome(iclab.evaluateBaselines(ill, { baselines: ["lasso"], signal: AbortSignal.abort() }));
    const many = await outcome(iclab.evaluateBaselines({ dims: 2, points: 3 }, { prompts: 8, baselines: Array(100000).fill("least_squares") }));
    const tt = performance.now();
    const twice = await iclab.evaluateBaselines({ dims: 2, points: 3 }, { prompts: 8, baselines: Array(50).fill("least_squares") });
    const twiceMs = performance.now() - tt;
    const badSignal = await outcome(iclab.evaluateBaselines({ dims: 2, points: 3 }, { prompts: 8, signal: "stop" }));
    // the issue's traps at 64 dims and 256 points (capacity overflow on the first allocation):
    // chunked now, stopped after a second each, the heap bounded
    const heap = (await iclab.diagnostics()).wasmBytes;
    const traps = [];
    for (const [config, options] of [
      [{ dims: 64, points: 256 }, { prompts: 20000, baselines: [] }],
      [{ dims: 64, points: 256, taskPool: 2 ** 20 }, { prompts: 20000, baselines: ["dmmse"], tasks: "pool" }],
    ]) {
      const stop = new AbortController();
      const began = performance.now();
      setTimeout(() => stop.abort(), 1000);
      const result = await outcome(iclab.evaluateBaselines(config, { ...options, signal: stop.signal }));
      traps.push({ ...result, ms: performance.now() - began });
    }
    const trapsGrew = (await iclab.diagnostics()).wasmBytes - heap;
    return { aborted, lassoMs, diagnosticsMs, early, many, twiceMs, curves: Object.keys(twice.curves), badSignal, traps, trapsGrew };
  `);
  assert.equal(out.aborted.code, "aborted", JSON.stringify(out.aborted));
  assert.ok(out.lassoMs < 3000, `Lasso stopped after ${out.lassoMs} ms`);
  assert.ok(out.diagnosticsMs < 1000, `diagnostics() took ${out.diagnosticsMs} ms while Lasso ran`);
  assert.equal(out.early.code, "aborted");
  assert.deepEqual(
    [out.many.code, out.many.field],
    ["invalid_config", "baselines"],
    out.many.message,
  );
  assert.deepEqual(out.curves, ["least_squares", "zero"]);
  assert.ok(out.twiceMs < 2000, `50 copies of one baseline took ${out.twiceMs} ms`);
  assert.deepEqual([out.badSignal.code, out.badSignal.field], ["invalid_config", "signal"]);
  for (const trap of out.traps) {
    assert.ok(trap.ok || trap.code === "aborted", JSON.stringify(trap));
    // (a cancel that comes during the last curve's bootstrap lets it finish)
    if (trap.code === "aborted")
      assert.ok(trap.ms < 4000, `stopped ${trap.ms} ms after it began (cancelled at 1,000)`);
  }
  assert.ok(out.trapsGrew < 512 * 2 ** 20, `the heap grew ${out.trapsGrew} bytes`);
});

test("every rejection is an IclabError naming the right field, and short", async () => {
  const out = await inPage(`
    const s = await iclab.createSession({ device: "cpu", dims: 2, points: 3, batchSize: 4, layers: 1, dModel: 8, heads: 1 });
    const run = await iclab.startContinual({ device: "cpu", dataset: { kind: "two_d", shape: "blobs", classes: 4, perClass: 10 }, iterationsPerTask: 2 });
    const classify = await iclab.startClassify({ device: "cpu", task: { dims: 4 }, batchSize: 4 });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const detached = new ArrayBuffer(8);
    structuredClone(detached, { transfer: [detached] });
    const detachedView = new Uint8Array(8);
    structuredClone(detachedView.buffer, { transfer: [detachedView.buffer] });
    const bytes = await s.save();
    const train = async (options) => { for await (const _ of s.train(options)); };
    const cases = {
      advanceNullProto: await outcome(run.advance(Object.create(null))),
      trainNullProto: await outcome(train({ steps: Object.create(null) })),
      classifyNullProto: await outcome((async () => { for await (const _ of classify.train(Object.create(null))); })()),
      hugeArray: await outcome(run.advance(new Array(2 ** 32 - 1))),
      revokedConfig: await outcome(iclab.createSession(revoked.proxy)),
      revokedOptions: await outcome(s.evaluate(revoked.proxy)),
      detachedBuffer: await outcome(iclab.loadSession(detached)),
      detachedView: await outcome(iclab.loadSession(detachedView)),
      functionDevice: await outcome(iclab.loadSession(bytes, () => 1)),
      nestedPromise: await outcome(iclab.createSession({ task: { kind: "linear", extra: Promise.resolve(1) } })),
      throwingGetter: await outcome(iclab.createSession({ get dims() { throw new Error("boom"); } })),
      classifyClasses: await outcome(iclab.startClassify({ task: { classes: 10, labels: 4 } })),
      classifyNoise: await outcome(iclab.startClassify({ task: { noise: -1 } })),
      longString: await outcome(iclab.createSession({ model: "x".repeat(100000) })),
      longKey: await outcome(iclab.createSession({ ["k".repeat(100000)]: 1 })),
    };
    await s.dispose();
    await run.dispose();
    await classify.dispose();
    return cases;
  `);
  const expect = {
    advanceNullProto: ["invalid_config", "steps"],
    trainNullProto: ["invalid_config", "steps"],
    classifyNullProto: ["invalid_config", "steps"],
    hugeArray: ["invalid_config", "steps"],
    revokedConfig: ["invalid_config", "config"],
    revokedOptions: ["invalid_config", "options"],
    detachedBuffer: ["invalid_checkpoint", "checkpoint"],
    detachedView: ["invalid_checkpoint", "checkpoint"],
    functionDevice: ["invalid_config", "device"],
    nestedPromise: ["invalid_config", "task.extra"],
    throwingGetter: ["invalid_config", "dims"],
    classifyClasses: ["invalid_config", "task.classes"],
    classifyNoise: ["invalid_config", "task.noise"],
    longString: ["invalid_config", "model"],
  };
  for (const [name, [code, field]] of Object.entries(expect)) {
    const got = out[name];
    assert.ok(got.iclab, `${name}: not an IclabError: ${JSON.stringify(got)}`);
    assert.deepEqual([got.code, got.field], [code, field], `${name}: ${got.message}`);
  }
  for (const [name, got] of Object.entries(out))
    assert.ok(got.message.length < 600, `${name}: a ${got.message.length}-character message`);
  assert.equal(out.longKey.code, "invalid_config");
  assert.ok(out.longKey.field.length < 60, out.longKey.field);
});

test("recover() on a healthy session leaves it as it is", async () => {
  const out = await inPage(`
    const s = await iclab.createSession({ device: "cpu", dims: 2, points: 4, batchSize: 8, layers: 1, dModel: 8, heads: 1, seed: 3 });
    for await (const _ of s.train({ steps: 4, every: 4 }));
    const before = await s.evaluate({ prompts: 32, seed: 1 });
    const id = s.id;
    const step = await s.recover();
    const after = await s.evaluate({ prompts: 32, seed: 1 });
    await s.dispose();
    return { step, same: s.id === id, before: before.curves.model.mean, after: after.curves.model.mean, reportStep: after.step };
  `);
  assert.equal(out.step, 4);
  assert.equal(out.reportStep, 4);
  assert.ok(out.same, "the session was not replaced");
  assert.deepEqual(out.after, out.before, "the same model gives the same errors");
});
