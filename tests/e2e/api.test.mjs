// The npm package's API in a real page (www/api.html exposes it as window.iclab): typed
// errors for bad input, and a worker that keeps serving afterwards.
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

const SMALL = { device: "cpu", dims: 3, points: 5, batchSize: 8, layers: 1, dModel: 16, heads: 2 };

test("invalid configs reject with IclabError naming the field", async () => {
  const results = await page.evaluate(async () => {
    const cases = [
      [{ dims: -1 }, "dims"],
      [{ dims: 0 }, "dims"],
      [{ dims: "five" }, "dims"],
      [{ points: 2.5 }, "points"],
      [{ model: "lstm" }, "model"],
      [{ activation: "swish" }, "activation"],
      [{ model: "xlstm", xlstmRatio: [0, 0] }, "xlstmRatio"],
      [{ model: "xlstm", xlstmRatio: [1, 99] }, "xlstmRatio[1]"],
      [{ model: "xlstm", xlstmRatio: "1:1" }, "xlstmRatio"],
      [{ model: "xlstm", dModel: 63, heads: 1 }, "dModel"],
      [{ learningRate: Number.NaN }, "learningRate"],
      [{ learningRate: Number.POSITIVE_INFINITY }, "learningRate"],
      [{ batchSize: 1e12 }, "batchSize"],
      [{ device: "tpu" }, "device"],
      [{ mystery: true }, "mystery"],
      [{ dims: () => 3 }, "dims"],
      [
        {
          curriculum: {
            dimsStart: 1,
            dimsIncrement: 1,
            pointsStart: 1,
            pointsIncrement: 1,
            interval: 10,
            extra: 1,
          },
        },
        "curriculum.extra",
      ],
      [{ seed: 10n }, "seed"],
      [42, "config"],
    ];
    const out = [];
    for (const [config, field] of cases) {
      try {
        await window.iclab.createSession(config);
        out.push({ field, ok: true });
      } catch (e) {
        out.push({
          field,
          isIclab: e instanceof window.iclab.IclabError,
          isError: e instanceof Error,
          code: e.code,
          got: e.field,
          message: e.message,
        });
      }
    }
    return out;
  });
  for (const r of results) {
    assert.equal(r.ok, undefined, `${r.field} was accepted`);
    assert.ok(r.isIclab && r.isError, JSON.stringify(r));
    assert.equal(r.code, "invalid_config", JSON.stringify(r));
    assert.equal(r.got, r.field, JSON.stringify(r));
    assert.ok(r.message.length > 10);
  }
});

test("train and evaluate arguments are validated; the session survives", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession(small);
    const errors = [];
    for (const opts of [
      { steps: 0 },
      { steps: -3 },
      { steps: 1.5 },
      { steps: Number.NaN },
      { steps: 2, every: 0 },
      null,
    ]) {
      try {
        for await (const _ of s.train(opts)) break;
        errors.push("accepted");
      } catch (e) {
        errors.push(`${e.code}:${e.field}`);
      }
    }
    try {
      await s.evaluate({ prompts: -1 });
    } catch (e) {
      errors.push(`${e.code}:${e.field}`);
    }
    const reports = [];
    for await (const { report } of s.train({ steps: 4, every: 2 })) reports.push(report);
    const evaluation = await s.evaluate({ prompts: 64 });
    await s.dispose();
    let after = "";
    try {
      await s.evaluate();
    } catch (e) {
      after = e.code;
    }
    return {
      errors,
      reports,
      evaluation,
      after,
      device: s.deviceInfo,
      live: (await window.iclab.diagnostics()).liveSessions,
    };
  }, SMALL);
  assert.deepEqual(out.errors, [
    "invalid_config:steps",
    "invalid_config:steps",
    "invalid_config:steps",
    "invalid_config:steps",
    "invalid_config:every",
    "invalid_config:options",
    "invalid_config:prompts",
  ]);
  assert.deepEqual(
    out.reports.map((r) => r.step),
    [2, 4],
  );
  assert.ok(out.reports[0].deviceInfo && !out.reports[1].deviceInfo);
  for (const r of out.reports) {
    assert.ok(Number.isFinite(r.loss) && r.loss > 0);
    assert.equal(r.device, "cpu");
    assert.ok(r.elapsedMs > 0);
  }
  assert.equal(out.evaluation.curves.model.mean.length, 5);
  assert.equal(out.evaluation.curves.least_squares.mean.length, 5);
  assert.equal(out.after, "disposed");
  assert.equal(out.device.kind, "cpu");
  assert.equal(out.live, 0);
});

test("numbers that are not finite, objects that are not plain and unknown train keys are named; the catalog is frozen", async () => {
  const out = await page.evaluate(async (small) => {
    const { iclab } = window;
    const named = async (f) => {
      try {
        await f();
        return "accepted";
      } catch (e) {
        return e instanceof iclab.IclabError ? `${e.code}:${e.field}` : `not an IclabError: ${e}`;
      }
    };
    const s = await iclab.createSession(small);
    const train = (o) =>
      named(async () => {
        for await (const _ of s.train(o)) break;
      });
    const errors = [
      // JSON would make these null, which a nullable field reads as "unset"
      await named(() => iclab.createSession({ ...small, taskPool: Number.NaN })),
      await named(() => iclab.createSession({ ...small, layers: Number.POSITIVE_INFINITY })),
      await named(() => iclab.createSession({ ...small, curriculum: Number.NaN })),
      await named(() => s.evaluate({ prompts: 16, seed: Number.NaN })),
      await named(() => s.layers({ seed: Number.NEGATIVE_INFINITY })),
      await named(() => iclab.startContinual({ regularization: Number.NaN })),
      // not plain objects
      await named(() => iclab.createSession(new Map([["dims", 3]]))),
      await named(() => iclab.createSession({ ...small, curriculum: new Date(0) })),
      // train() keys
      await train({ steps: 1, evry: 5 }),
      await train({ steps: 1, constructor: 1 }),
      await train(JSON.parse('{"steps": 1, "__proto__": 1}')),
    ];
    const limits = iclab.CATALOG.limits.trainSteps;
    const before = limits.max;
    let threw = false;
    try {
      limits.max = 3;
    } catch {
      threw = true;
    }
    const reports = [];
    for await (const { report } of s.train({ steps: 4, every: 4 })) reports.push(report.step);
    await s.dispose();
    return {
      errors,
      frozen: Object.isFrozen(limits) && Object.isFrozen(iclab.CATALOG.icl.tasks),
      same: limits.max === before,
      threw,
      reports,
    };
  }, SMALL);
  assert.deepEqual(out.errors, [
    "invalid_config:taskPool",
    "invalid_config:layers",
    "invalid_config:curriculum",
    "invalid_config:seed",
    "invalid_config:seed",
    "invalid_config:regularization",
    "invalid_config:config",
    "invalid_config:curriculum",
    "invalid_config:evry",
    "invalid_config:constructor",
    "invalid_config:__proto__",
  ]);
  assert.ok(out.frozen && out.same, "CATALOG cannot be changed by one caller for all");
  assert.deepEqual(out.reports, [4], "the session trains after the rejections");
});

test("task pools, pool evaluation with dMMSE and distances, and layers pass through the package", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession({
      ...small,
      taskPool: 4,
      task: { kind: "noisy_linear", noiseStd: 0.5 },
    });
    for await (const _ of s.train({ steps: 2, every: 2 }));
    const onPool = await s.evaluate({
      prompts: 32,
      tasks: "pool",
      baselines: ["dmmse", "bayes_ridge"],
    });
    const layers = await s.layers({ prompts: 16, fitPrompts: 32, gdMax: 8, newtonMax: 3 });
    const errors = [];
    for (const opts of [{ fitPrompts: 1 }, { gdMax: 0 }, { gdStep: -1 }, { mystery: 1 }, 5]) {
      try {
        await s.layers(opts);
        errors.push("accepted");
      } catch (e) {
        errors.push(`${e.code}:${e.field}`);
      }
    }
    const fresh = await window.iclab.createSession(small);
    try {
      await fresh.evaluate({ tasks: "pool" });
      errors.push("accepted");
    } catch (e) {
      errors.push(`${e.code}:${e.field}`);
    }
    await fresh.dispose();
    await s.dispose();
    return { config: s.config, onPool, layers, errors };
  }, SMALL);
  assert.equal(out.config.taskPool, 4);
  assert.equal(out.onPool.tasks, "pool");
  assert.deepEqual(Object.keys(out.onPool.distances).sort(), ["bayes_ridge", "dmmse", "zero"]);
  assert.equal(out.onPool.distances.dmmse.length, 5);
  // where the model sits between dMMSE and ridge, with their own distance, is the core's
  assert.ok(
    Number.isFinite(out.onPool.position.fraction) && out.onPool.position.span > 0,
    JSON.stringify(out.onPool.position),
  );
  assert.match(out.onPool.position.description, /of the way from dMMSE \(0\) to ridge \(1\)/);
  assert.match(
    out.onPool.reading.statement,
    /^On this chart, with k = 3 examples the model's error is/,
  );
  assert.equal(out.layers.layers.length, 2, "the read-in and one block");
  assert.deepEqual(out.layers.newtonSteps, [0, 1, 2, 3]);
  assert.deepEqual(out.layers.gdSteps, [1, 2, 3, 4, 6, 8]);
  for (const l of out.layers.layers) {
    assert.equal(l.probe.length, 5);
    assert.equal(l.readOut.length, 5);
    for (const c of [l.prediction, l.residual]) {
      assert.ok(
        Number.isFinite(c.newton.distance) &&
          Number.isFinite(c.gd.distance) &&
          Number.isFinite(c.separation),
        JSON.stringify(c),
      );
      assert.ok(["newton", "gradient_descent", "start", "cannot_tell"].includes(c.resembles));
      assert.equal(
        c.evidence.decided,
        c.resembles === "newton" || c.resembles === "gradient_descent",
      );
    }
    assert.equal(l.newtonCosine.length, 4);
  }
  assert.equal(out.layers.correspondence.length, 4);
  assert.match(out.layers.statement, /^By prediction distance: /);
  assert.deepEqual(out.errors, [
    "invalid_config:fitPrompts",
    "invalid_config:gdMax",
    "invalid_config:gdStep",
    "invalid_config:mystery",
    "invalid_config:options",
    "invalid_config:tasks",
  ]);
});

test("readCurves reads merged curves as the core reads one evaluation's, and names bad input", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession(small);
    const e = await s.evaluate({ prompts: 64, baselines: ["least_squares", "averaging"] });
    const again = await window.iclab.readCurves(e.curves, e.dims);
    const noModel = await window.iclab.readCurves(
      { least_squares: e.curves.least_squares },
      e.dims,
    );
    const errors = [];
    for (const [curves, dims] of [
      [{ model: { mean: [1, 2], lower: [1], upper: [1, 2] } }, 3],
      [e.curves, "3"],
      [[1, 2], 3],
    ]) {
      try {
        await window.iclab.readCurves(curves, dims);
        errors.push("accepted");
      } catch (err) {
        errors.push(`${err.code}:${err.field}`);
      }
    }
    await s.dispose();
    return { reading: e.reading, again, noModel, errors };
  }, SMALL);
  assert.deepEqual(out.again, out.reading, "the same finding from the same curves");
  assert.equal(out.noModel, null);
  assert.deepEqual(out.errors, [
    "invalid_config:curves",
    "invalid_config:dims",
    "invalid_config:curves",
  ]);
});

test("in-context classification through the package: start, train, evaluate, typed errors, dispose", async () => {
  const out = await page.evaluate(async () => {
    const run = await window.iclab.startClassify({
      device: "cpu",
      task: { classes: 64, pairs: 4, burstiness: 2 },
      batchSize: 32,
    });
    const reports = [];
    const streamed = [];
    for await (const { report, evaluation } of run.train({
      steps: 10,
      every: 5,
      evalEvery: 10,
      evaluate: { prompts: 32 },
    })) {
      reports.push(report);
      streamed.push(evaluation ? evaluation.step : null);
    }
    const evaluation = await run.evaluate(64);
    const errors = [];
    for (const bad of [
      { task: { burstiness: 3 } },
      { layers: 0 },
      { mystery: 1 },
      { backbone: "transformer", dModel: 30, heads: 4 },
      { backbone: "lstm" },
    ]) {
      try {
        await window.iclab.startClassify({ device: "cpu", ...bad });
        errors.push("accepted");
      } catch (e) {
        errors.push(`${e.code}:${e.field}`);
      }
    }
    const drain = async (options) => {
      for await (const _ of run.train(options));
    };
    for (const call of [
      () => drain({ steps: 0 }),
      () => drain({ steps: 1, evaluate: { prompts: 0 } }),
      () => drain({ steps: 1, evaluate: { prompt: 5 } }),
      () => drain({ steps: 1, evalEvery: -1 }),
      () => run.evaluate(0),
    ]) {
      try {
        await call();
        errors.push("accepted");
      } catch (e) {
        errors.push(`${e.code}:${e.field}`);
      }
    }
    await run.dispose();
    let after = "";
    try {
      await drain({ steps: 1 });
    } catch (e) {
      after = e.code;
    }
    return {
      config: run.config,
      device: run.deviceInfo.kind,
      params: run.numParams,
      reports,
      streamed,
      evaluation,
      errors,
      after,
      live: (await window.iclab.diagnostics()).liveSessions,
    };
  });
  assert.equal(out.config.task.classes, 64);
  assert.equal(out.config.layers, 2, "defaults filled in");
  assert.equal(out.config.backbone, "attention_only");
  assert.equal(out.device, "cpu");
  assert.ok(out.params > 0);
  assert.deepEqual(
    out.reports.map((r) => r.step),
    [5, 10],
  );
  for (const r of out.reports) assert.ok(Number.isFinite(r.loss) && r.loss > 0);
  const e = out.evaluation;
  assert.equal(e.step, 10);
  assert.equal(e.chance, 1 / 16);
  for (const acc of [e.inContext, e.inWeights, e.contextLabelAccuracy])
    assert.ok(acc >= 0 && acc <= 1);
  // the emergence bar is the core's: halfway from max(1/L, B/N) to 1
  assert.equal(e.emergenceBar, e.base + (1 - e.base) / 2);
  assert.ok(e.base >= e.chance);
  assert.deepEqual(
    e.queryAttention.map((q) => [q.layer, q.head]),
    [
      [0, 0],
      [1, 0],
    ],
    "one head per layer",
  );
  for (const row of e.queryAttention) {
    for (const weights of [row.weights, row.example]) {
      assert.equal(weights.length, 9, "2N + 1 tokens");
      assert.ok(Math.abs(weights.reduce((a, b) => a + b) - 1) < 1e-4);
    }
  }
  assert.equal(e.example.length, 4, "a flag per context pair");
  assert.ok(e.emergenceStep === null || e.emergenceStep === 10);
  assert.ok(Number.isFinite(e.induction.labelToItem) && Number.isFinite(e.induction.queryToMatch));
  assert.deepEqual(out.errors, [
    "invalid_config:task.burstiness",
    "invalid_config:layers",
    "invalid_config:mystery",
    "invalid_config:heads",
    "invalid_config:backbone",
    "invalid_config:steps",
    "invalid_config:evaluate.prompts",
    "invalid_config:evaluate.prompt",
    "invalid_config:evalEvery",
    "invalid_config:prompts",
  ]);
  assert.deepEqual(out.streamed, [null, 10], "the stream evaluates at the multiple of evalEvery");
  assert.equal(out.after, "disposed");
  assert.equal(out.live, 0);
});

test("concurrent calls on one session each get a result or a busy error", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession(small);
    const pull = async () => {
      try {
        for await (const { report } of s.train({ steps: 3, every: 3 })) return `ok:${report.step}`;
      } catch (e) {
        return e.code;
      }
    };
    const results = await Promise.all([pull(), pull(), pull()]);
    // The session still works afterwards.
    let after;
    for await (const { report } of s.train({ steps: 1 })) after = report.step;
    await s.dispose();
    return { results, after };
  }, SMALL);
  // On the CPU a call finishes before the next message is read, so calls serialize; on WebGPU
  // a call awaits the GPU and an overlapping one is told the session is busy.
  const oks = out.results.filter((r) => r.startsWith("ok:"));
  assert.ok(oks.length >= 1, JSON.stringify(out));
  for (const r of out.results) assert.ok(r.startsWith("ok:") || r === "busy", r);
  assert.equal(out.after, 3 * oks.length + 1);
});

test("capabilities explain why WebGPU is not used", async () => {
  const caps = await page.evaluate(() => window.iclab.capabilities());
  assert.equal(caps.webgpuPreferred, false);
  assert.ok(typeof caps.reason === "string" && caps.reason.length > 10, JSON.stringify(caps));
});

test("inference costs: a growing cache for the transformer, a fixed state for the xLSTM; bad input is typed", async () => {
  const out = await page.evaluate(async () => {
    const [t, x] = await Promise.all([
      window.iclab.inferenceCost({ model: "transformer" }),
      window.iclab.inferenceCost({ model: "xlstm" }, 100),
    ]);
    const errors = [];
    for (const [config, tokens] of [
      [{ model: "xlstm" }, 0],
      [{ model: "xlstm" }, 1.5],
      [{ dims: 0 }, 10],
    ]) {
      try {
        await window.iclab.inferenceCost(config, tokens);
        errors.push(null);
      } catch (e) {
        errors.push([e instanceof window.iclab.IclabError, e.code, e.field]);
      }
    }
    const catalog = await window.iclab.catalog();
    // The wasm build's catalog is the copy the pages read without a worker (web/src/generated).
    return {
      t,
      x,
      errors,
      models: catalog.icl.models.map((m) => m.kind),
      same: JSON.stringify(catalog) === JSON.stringify(window.iclab.CATALOG),
    };
  });
  assert.equal(out.t.tokens.length, 22, "default: the config's prompt (2 × 11 points)");
  assert.equal(out.t.stateFloats[21], 22 * out.t.stateFloats[0]);
  assert.equal(out.x.tokens.length, 100);
  assert.ok(out.x.stateFloats.every((v) => v === out.x.stateFloats[0]));
  assert.deepEqual(out.errors, [
    [true, "invalid_config", "tokens"],
    [true, "invalid_config", "tokens"],
    [true, "invalid_config", "dims"],
  ]);
  assert.deepEqual(out.models, ["transformer", "xlstm"]);
  assert.ok(out.same, "catalog() equals CATALOG");
});

test("runFederated: clients learn apart and merge into the joint learner; what cannot merge is named", async () => {
  const out = await page.evaluate(async () => {
    const r = await window.iclab.runFederated({
      learner: "slda",
      run: { dataset: { kind: "two_d", classes: 6, perClass: 60 } },
      clients: 3,
      rounds: 2,
    });
    const errors = [];
    for (const config of [
      { learner: "ewc" },
      { run: { strategy: "ewc" } },
      { clients: 9 },
      { run: { embedding: "learned" } },
    ]) {
      try {
        await window.iclab.runFederated(config);
        errors.push(null);
      } catch (e) {
        errors.push([e instanceof window.iclab.IclabError, e.code, e.field]);
      }
    }
    return { r, errors };
  });
  assert.equal(out.r.clients.length, 3);
  for (const c of out.r.clients) assert.ok(c.scores.accuracy <= 2 / 6 + 1e-9, JSON.stringify(c));
  assert.deepEqual(out.r.merged, out.r.joint, "an exact merge");
  assert.ok(out.r.mergeError < 1e-6);
  assert.equal(out.r.fedavg.rounds, 2);
  assert.deepEqual(out.errors, [
    [true, "invalid_config", "learner"],
    [true, "invalid_config", "run.strategy"],
    [true, "invalid_config", "clients"],
    [true, "invalid_config", "run.embedding"],
  ]);
});

test("learnFederated: two clients share and merge; a bad share or client is named and changes nothing", async () => {
  const out = await page.evaluate(async () => {
    const { learnFederated, IclabError } = window.iclab;
    const config = { run: { dataset: { kind: "two_d", classes: 4, perClass: 50 } }, clients: 2 };
    const a = await learnFederated(config, 0);
    const b = await learnFederated(config, 1);
    const alone = a.state;
    const merged = await a.merge(b.share);
    const errors = [];
    const attempt = async (f) => {
      try {
        await f();
        errors.push(null);
      } catch (e) {
        errors.push([e instanceof IclabError, e.code, e.field]);
      }
    };
    await attempt(() => a.merge(JSON.parse(b.share)));
    await attempt(() => a.merge("{}"));
    await attempt(() => a.merge(42));
    await attempt(() => learnFederated(config, 2));
    await attempt(() => learnFederated({ ...config, learner: "analytic" }, 0));
    const unchanged = JSON.stringify(a.state) === JSON.stringify(merged);
    await a.dispose();
    await attempt(() => a.merge(b.share));
    await b.dispose();
    return { alone, merged, errors, unchanged };
  });
  assert.deepEqual(out.alone.known, [0, 2]);
  assert.deepEqual(out.merged.known, [0, 1, 2, 3]);
  assert.ok(out.merged.now.accuracy > out.alone.alone.accuracy + 0.3, JSON.stringify(out.merged));
  assert.deepEqual(out.errors, [
    [true, "invalid_config", "share"],
    [true, "invalid_config", "share"],
    [true, "invalid_config", "share"],
    [true, "invalid_config", "client"],
    [true, "invalid_config", "learner"],
    [true, "disposed", null],
  ]);
  assert.ok(out.unchanged, "a refused share changes nothing");
});

test("runContinual: Replay forgets less than Naive on split blobs; bad configs are typed", async () => {
  const out = await page.evaluate(async () => {
    const base = {
      dataset: { kind: "two_d", classes: 4, perClass: 100 },
      iterationsPerTask: 80,
      evalEvery: 10,
      seed: 1,
    };
    const naive = await window.iclab.runContinual(base);
    const replay = await window.iclab.runContinual({ ...base, strategy: "replay" });
    const errors = [];
    const bad = [
      { dataset: { kind: "two_d", shape: "xor", classes: 3 } },
      { hidden: [] },
      { strategy: "icarl" },
      { mystery: 1 },
      { scenario: { kind: "permuted" } },
      { scenario: { kind: "rotated", maxDegrees: 1000 } },
    ];
    for (const config of bad) {
      try {
        await window.iclab.runContinual(config);
        errors.push(null);
      } catch (e) {
        errors.push([e instanceof window.iclab.IclabError, e.code, e.field]);
      }
    }
    return { naive, replay, errors };
  });
  assert.equal(out.naive.accuracyMatrix.length, 2);
  assert.equal(out.naive.curves[0].length, out.naive.iterations.length);
  assert.ok(
    out.replay.metrics.forgetting < out.naive.metrics.forgetting,
    `${out.replay.metrics.forgetting} vs ${out.naive.metrics.forgetting}`,
  );
  assert.deepEqual(out.errors, [
    [true, "invalid_config", "dataset.classes"],
    [true, "invalid_config", "hidden"],
    [true, "invalid_config", "strategy"],
    [true, "invalid_config", "mystery"],
    [true, "invalid_config", "scenario.kind"],
    [true, "invalid_config", "scenario.maxDegrees"],
  ]);
});

test("startContinual: step by step on digits (fetched from the package), unlearning, boundaries", async () => {
  const out = await page.evaluate(async () => {
    const { startContinual, diagnostics } = window.iclab;
    const liveSessions = async () => (await diagnostics()).liveSessions;
    const before = await liveSessions();
    const run = await startContinual({
      dataset: { kind: "digits", perClass: 60, testPerClass: 20 },
      strategy: "analytic",
      batchSize: 30,
    });
    const first = run.result;
    const reports = [];
    // a stream: 3 steps per report until the stream ends, at most 9 in the first
    for await (const { report } of run.train({ every: 3, steps: 9 })) reports.push(report.step);
    const paused = run.result.done;
    for await (const { report } of run.train({ every: 3 })) reports.push(report.step);
    const done = run.result;
    const boundaryOfDigits = await run.boundary(8);
    const unlearned = await run.unlearn(0);
    await run.dispose();
    let afterDispose = null;
    try {
      await run.advance(1);
    } catch (e) {
      afterDispose = e.code;
    }
    const blobs = await startContinual({ strategy: "replay", iterationsPerTask: 10 });
    await blobs.advance(15);
    const boundary = await blobs.boundary(16);
    const mid = blobs.result;
    await blobs.dispose();
    return {
      first,
      reports,
      paused,
      done,
      boundaryOfDigits,
      unlearned,
      afterDispose,
      boundary,
      mid,
      live: (await liveSessions()) - before,
    };
  });
  assert.equal(out.first.step, 0);
  assert.equal(out.first.tasks.length, 5);
  assert.equal(out.first.totalSteps, 20); // host learners read each task once: 2 × 60 / 30 = 4 batches
  assert.deepEqual(
    out.reports,
    [3, 6, 9, 12, 15, 18, 20],
    "every 3 steps, the first stream stopping at 9",
  );
  assert.equal(out.paused, false);
  assert.ok(out.done.metrics.averageAccuracy > 0.6, JSON.stringify(out.done.metrics));
  assert.equal(out.boundaryOfDigits, null);
  // class 0 forgotten: task 0 (digits 0, 1) drops to about half
  const task0 = out.unlearned.curves[0];
  assert.ok(task0.at(-1) < task0.at(-2) - 0.3, `${task0.at(-2)} → ${task0.at(-1)}`);
  assert.equal(out.afterDispose, "disposed");
  assert.equal(out.boundary.classes.length, 256);
  assert.equal(out.boundary.points.length, 2 * out.boundary.labels.length);
  assert.equal(out.mid.step, 15);
  assert.equal(out.mid.done, false);
  assert.equal(out.mid.accuracyMatrix.length, 1);
  assert.equal(out.mid.metrics, null);
  assert.equal(out.live, 0);
});

test("configs too large for the browser are refused up front with the memory they would need", async () => {
  const out = await page.evaluate(async () => {
    const tries = [
      { preset: "small", batchSize: 4096, points: 256 },
      { layers: 24, dModel: 1024, heads: 8, batchSize: 1, points: 2 },
      { batchSize: 64 },
    ];
    const results = [];
    for (const config of tries) {
      const t = performance.now();
      try {
        const s = await window.iclab.createSession({ device: "cpu", ...config });
        await s.dispose();
        results.push({ ok: true });
      } catch (e) {
        results.push({
          code: e.code,
          field: e.field,
          message: e.message,
          ms: performance.now() - t,
        });
      }
    }
    return results;
  });
  const [batch, wide, fine] = out;
  assert.equal(batch.code, "too_large");
  assert.equal(batch.field, "batchSize");
  assert.match(
    batch.message,
    /would need about [\d.]+ GiB, more than the 2\.0 GiB allowed here .*activations; lower batchSize/,
  );
  assert.equal(wide.code, "too_large");
  assert.equal(wide.field, "dModel", "~300M parameters: the weights alone do not fit");
  assert.ok(batch.ms < 1000 && wide.ms < 1000, "refused before anything is built");
  assert.deepEqual(fine, { ok: true });
});

test("a train() stream evaluates where the core's cadence says, on its own options", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession(small);
    const steps = [];
    const evaluate = { prompts: 16, baselines: ["least_squares"] };
    for await (const { report, evaluation } of s.train({
      steps: 7,
      every: 2,
      evalEvery: 3,
      evaluate,
    }))
      steps.push([
        report.step,
        evaluation
          ? [evaluation.step, evaluation.prompts, Object.keys(evaluation.curves).sort()]
          : null,
      ]);
    // evalEvery 0 with the defaults: only the last report evaluates
    const ends = [];
    for await (const { evaluation } of s.train({ steps: 3, every: 2, evalEvery: 0 }))
      ends.push(evaluation ? evaluation.prompts : null);
    let refused;
    try {
      for await (const _ of s.train({ steps: 2, evaluate: { prompts: 0 } }));
    } catch (e) {
      refused = `${e.code}:${e.field}`;
    }
    let step;
    for await (const { report } of s.train({ steps: 1 })) step = report.step;
    await s.dispose();
    return { steps, ends, refused, step };
  }, SMALL);
  const curves = ["least_squares", "model", "zero"];
  assert.deepEqual(out.steps, [
    [2, null],
    [4, [4, 16, curves]],
    [6, [6, 16, curves]],
    [7, [7, 16, curves]],
  ]);
  assert.deepEqual(out.ends, [null, 1280]);
  assert.equal(out.refused, "invalid_config:evaluate.prompts");
  assert.equal(out.step, 11, "the refused stream trained nothing");
});

test("evaluateAside scores a copy in the second worker exactly as evaluate does, while training goes on", async () => {
  const out = await page.evaluate(async (small) => {
    const before = (await window.iclab.diagnostics()).liveSessions;
    const s = await window.iclab.createSession(small);
    for await (const _ of s.train({ steps: 6, every: 6 }));
    const options = { prompts: 32, baselines: ["least_squares"] };
    const here = await s.evaluate(options);
    const aside = await s.evaluateAside(options);
    // started at step 6, it scores that model while the session trains 4 more steps
    const during = s.evaluateAside({ prompts: 32, baselines: [] });
    let step;
    for await (const { report } of s.train({ steps: 4, every: 2 })) step = report.step;
    const later = await during;
    let refused;
    try {
      await s.evaluateAside({ prompts: 0 });
    } catch (e) {
      refused = `${e.code}:${e.field}`;
    }
    const live = (await window.iclab.diagnostics()).liveSessions - before;
    await s.dispose();
    return { here, aside, laterStep: later.step, step, refused, live };
  }, SMALL);
  assert.deepEqual(out.aside, out.here, "the same curves, prompts and step");
  assert.equal(out.here.step, 6);
  assert.equal(out.laterStep, 6, "the copy is the model as it was when asked");
  assert.equal(out.step, 10, "training went on meanwhile");
  assert.equal(out.refused, "invalid_config:prompts");
  assert.equal(out.live, 1, "the copies are gone: only the session lives on (in the first worker)");
});

test("training reads the device back once per report, whatever the steps per report", async () => {
  const out = await page.evaluate(async (small) => {
    const s = await window.iclab.createSession(small);
    const before = (await window.iclab.diagnostics()).readbacks;
    let reports = 0;
    for await (const _ of s.train({ steps: 30, every: 10 })) reports++;
    const afterTraining = (await window.iclab.diagnostics()).readbacks;
    await s.dispose();
    return { reports, readbacks: afterTraining - before };
  }, SMALL);
  assert.deepEqual(out, { reports: 3, readbacks: 3 });
});
