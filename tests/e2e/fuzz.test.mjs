// Fuzzing the JS API in the browser: 10,000 seeded random calls (malformed and valid configs,
// wrong types, NaN/Infinity on nullable fields, huge sizes, unclonable and non-plain values,
// revoked proxies, random checkpoint bytes, calls after dispose, overlapping calls, task pools,
// layer analyses, classification runs, calls cancelled part-way) against one page's worker. Every call must resolve to a valid
// result or reject with an IclabError of a known code; none may trap the wasm (which would show
// as `worker_crashed`); afterwards the same worker still trains a session.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

const CALLS = 10_000;
const CHUNK = 500;

let browser;
let page;
before(async () => {
  browser = await open({ webgpu: false });
  page = await browser.apiPage();
  // The fuzzer lives in the page: its state (sessions, saved bytes) persists across chunks.
  await page.evaluate(() => {
    const { iclab } = window;
    let seed = 0x1c1ab;
    const rand = () => {
      // mulberry32: a seeded stream, so a failure can be replayed.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (xs) => xs[Math.floor(rand() * xs.length)];
    const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
    const WILD = [
      () => undefined,
      () => null,
      () => Number.NaN,
      () => Number.POSITIVE_INFINITY,
      () => -Infinity,
      () => -0,
      () => -1,
      () => 1e12,
      () => 2 ** 53,
      () => 0.5,
      () => int(0, 300),
      () => int(-5, 5),
      () => "",
      () => "5",
      () => "transformer",
      () => "💥".repeat(int(0, 3)),
      () => true,
      () => [],
      () => [1, 2],
      () => [0, 0],
      () => ({}),
      () => ({ a: { b: 1 } }),
      () => () => 1,
      () => Symbol("s"),
      () => 10n,
      () => new Date(0),
      () => new Map(),
      () => new Uint8Array(3),
      () => {
        const o = {};
        o.self = o;
        return o;
      },
      () => ({
        get boom() {
          throw new Error("getter");
        },
      }),
      () => new Proxy({}, {}),
      () => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy;
      },
      () => Promise.resolve(1),
      () => new Set([1]),
      () => Object.create(null),
      () => "y".repeat(int(100, 5000)),
    ];
    const wild = () => pick(WILD)();
    const SESSION_KEYS = [
      "task",
      "model",
      "preset",
      "tokens",
      "dims",
      "points",
      "batchSize",
      "learningRate",
      "warmupSteps",
      "decaySteps",
      "seed",
      "device",
      "layers",
      "dModel",
      "heads",
      "xlstmRatio",
      "gradClip",
      "curriculum",
      "taskPool",
    ];
    const LAYERS_KEYS = [
      "prompts",
      "fitPrompts",
      "newtonMax",
      "gdMax",
      "gdStep",
      "probeRidge",
      "seed",
    ];
    const CLASSIFY_KEYS = [
      "task",
      "backbone",
      "layers",
      "hidden",
      "dModel",
      "heads",
      "learningRate",
      "batchSize",
      "weightDecay",
      "seed",
      "device",
    ];
    const EVAL_KEYS = [
      "prompts",
      "probe",
      "probeScale",
      "probeNoise",
      "baselines",
      "seed",
      "examples",
      "options",
    ];
    const CL_KEYS = [
      "dataset",
      "scenario",
      "strategy",
      "bufferSize",
      "hidden",
      "learningRate",
      "batchSize",
      "iterationsPerTask",
      "evalEvery",
      "seed",
      "device",
      "features",
    ];
    const randomObject = (keys) => {
      if (rand() < 0.05) return wild();
      const o = {};
      for (let i = int(0, 4); i > 0; i--) o[rand() < 0.9 ? pick(keys) : `x${int(0, 9)}`] = wild();
      return o;
    };
    // Valid but tiny: real models, bounded work.
    const smallSession = () => ({
      device: "cpu",
      dims: int(1, 4),
      points: int(1, 6),
      batchSize: int(1, 8),
      layers: 1,
      dModel: 8,
      heads: pick([1, 2]),
      model: pick(["transformer", "xlstm"]),
      tokens: pick(["interleaved", "paired"]),
      task: pick([
        { kind: "linear" },
        { kind: "sparse_linear", sparsity: 1 },
        { kind: "relu_net" },
        { kind: "decision_tree" },
      ]),
      seed: int(0, 99),
    });
    const smallContinual = () => ({
      device: "cpu",
      dataset: {
        kind: "two_d",
        shape: pick(["blobs", "moons", "xor"]),
        classes: 4,
        perClass: int(10, 30),
      },
      strategy: pick(["naive", "replay", "ewc", "lwf", "ncm", "slda", "analytic", "joint"]),
      iterationsPerTask: int(1, 5),
      seed: int(0, 99),
    });
    const smallClassify = () => ({
      device: "cpu",
      backbone: pick(["attention_only", "transformer", "xlstm"]),
      layers: int(1, 2),
      hidden: 8,
      dModel: 8,
      heads: 1,
      batchSize: int(1, 8),
      task: { dims: int(2, 8), pairs: 4, burstiness: pick([1, 2, 4]), labels: 8, classes: 64 },
      seed: int(0, 99),
    });
    const KNOWN = new Set([
      "invalid_config",
      "invalid_checkpoint",
      "device_unavailable",
      "backend",
      "diverged",
      "too_large",
      "unknown_session",
      "busy",
      "disposed",
      "aborted",
    ]);
    const state = {
      sessions: [],
      runs: [],
      classify: [],
      saved: null,
      outcomes: {},
      examples: {},
      bad: [],
      calls: 0,
    };
    window.__fuzz = state;
    /** Adds to a pool, disposing the oldest beyond `max`, so the fuzzer's own use stays bounded. */
    const keep = async (pool, item, max) => {
      pool.push(item);
      if (pool.length > max) await pool.shift().dispose();
    };

    async function once() {
      const op = int(0, 20);
      const s = state.sessions.length ? pick(state.sessions) : null;
      const r = state.runs.length ? pick(state.runs) : null;
      switch (op) {
        case 0: {
          await keep(state.sessions, await iclab.createSession(randomObject(SESSION_KEYS)), 4);
          return ["create"];
        }
        case 1: {
          await keep(state.sessions, await iclab.createSession(smallSession()), 4);
          return ["createValid"];
        }
        case 2: {
          if (!s) return ["skip"];
          const opts =
            rand() < 0.5
              ? { steps: int(1, 3), every: int(1, 3) }
              : randomObject(["steps", "every", "evalEvery", "evaluate"]);
          for await (const step of s.train(opts)) return ["train", step];
          return ["train", null];
        }
        case 3:
          return s
            ? [
                "evaluate",
                await s.evaluate(rand() < 0.5 ? { prompts: int(1, 40) } : randomObject(EVAL_KEYS)),
              ]
            : ["skip"];
        case 4: {
          if (!s) return ["skip"];
          state.saved = await s.save();
          return ["save", state.saved];
        }
        case 5: {
          let bytes;
          if (state.saved && rand() < 0.6) {
            bytes = state.saved.slice(
              0,
              rand() < 0.5 ? state.saved.length : int(0, state.saved.length),
            );
            for (let i = int(0, 3); i > 0; i--)
              bytes[int(0, Math.max(0, bytes.length - 1))] ^= int(1, 255);
          } else bytes = rand() < 0.8 ? crypto.getRandomValues(new Uint8Array(int(0, 64))) : wild();
          await keep(
            state.sessions,
            await iclab.loadSession(bytes, rand() < 0.9 ? "cpu" : wild()),
            4,
          );
          return ["load"];
        }
        case 6: {
          if (!s) return ["skip"];
          await s.dispose();
          // Calls after dispose must be typed errors; keep it in the pool sometimes.
          if (rand() < 0.7) state.sessions.splice(state.sessions.indexOf(s), 1);
          return ["dispose", true];
        }
        case 7:
          return [
            "baselines",
            await iclab.evaluateBaselines(
              rand() < 0.3 ? smallSession() : randomObject(SESSION_KEYS),
              rand() < 0.5 ? { prompts: int(1, 20) } : randomObject(EVAL_KEYS),
            ),
          ];
        case 8:
          return [
            "cost",
            await iclab.inferenceCost(
              randomObject(SESSION_KEYS),
              rand() < 0.5 ? int(1, 64) : wild(),
            ),
          ];
        case 9: {
          await keep(state.runs, await iclab.startContinual(randomObject(CL_KEYS)), 3);
          return ["startContinual"];
        }
        case 10: {
          await keep(state.runs, await iclab.startContinual(smallContinual()), 3);
          return ["startValid"];
        }
        case 11:
          return r ? ["advance", await r.advance(rand() < 0.6 ? int(1, 5) : wild())] : ["skip"];
        case 12:
          return r ? ["boundary", await r.boundary(rand() < 0.5 ? int(2, 16) : wild())] : ["skip"];
        case 13:
          return r ? ["unlearn", await r.unlearn(rand() < 0.5 ? int(0, 5) : wild())] : ["skip"];
        case 14: {
          // Overlapping calls on one session.
          if (!s) return ["skip"];
          const outcomes = await Promise.allSettled([
            s.evaluate({ prompts: 8 }),
            s.save(),
            (async () => {
              for await (const x of s.train({ steps: 1 })) return x;
            })(),
          ]);
          const rejected = outcomes.find((o) => o.status === "rejected");
          if (rejected) throw rejected.reason;
          return ["overlap", true];
        }
        case 15: {
          // a task pool, evaluated on its own tasks against dMMSE
          const pooled = await iclab.createSession({
            ...smallSession(),
            taskPool: pick([1, 4, 64, wild()]),
          });
          try {
            return [
              "pool",
              await pooled.evaluate({
                prompts: int(1, 16),
                tasks: pick(["pool", "fresh"]),
                baselines: pick([["dmmse"], ["dmmse", "bayes_ridge"], [wild()]]),
              }),
            ];
          } finally {
            await pooled.dispose();
          }
        }
        case 16:
          return s
            ? [
                "layers",
                await s.layers(
                  rand() < 0.5
                    ? { prompts: 16, fitPrompts: 16, newtonMax: int(1, 4), gdMax: int(1, 64) }
                    : randomObject(LAYERS_KEYS),
                ),
              ]
            : ["skip"];
        case 17: {
          await keep(
            state.classify,
            await iclab.startClassify(rand() < 0.6 ? smallClassify() : randomObject(CLASSIFY_KEYS)),
            2,
          );
          return ["classifyStart"];
        }
        case 18: {
          const c = state.classify.length ? pick(state.classify) : null;
          if (!c) return ["skip"];
          return rand() < 0.5
            ? [
                "classifyTrain",
                await (async () => {
                  const opts =
                    rand() < 0.7
                      ? {
                          steps: int(1, 3),
                          evalEvery: int(0, 3),
                          evaluate: { prompts: int(1, 16) },
                        }
                      : randomObject(["steps", "every", "evalEvery", "evaluate"]);
                  for await (const step of c.train(opts)) return step;
                  return null;
                })(),
              ]
            : ["classifyEvaluate", await c.evaluate(rand() < 0.7 ? int(1, 32) : wild())];
        }
        case 19: {
          // cancelled before, during or after the call
          if (!s) return ["skip"];
          const controller = new AbortController();
          const when = int(0, 3);
          if (when === 0) controller.abort();
          const call = pick([
            () => s.evaluate({ prompts: int(1, 300), signal: controller.signal }),
            () =>
              iclab.evaluateBaselines(smallSession(), {
                prompts: int(1, 300),
                baselines: ["least_squares"],
                signal: controller.signal,
              }),
            async () => {
              for await (const _ of s.train({
                steps: int(1, 20),
                every: int(1, 20),
                signal: controller.signal,
              }));
            },
          ])();
          if (when > 0) setTimeout(() => controller.abort(), when === 3 ? 0 : int(0, 20));
          return ["cancel", await call];
        }
        default:
          return [
            pick(["catalog", "capabilities", "diagnostics"]),
            await iclab[pick(["catalog", "capabilities", "diagnostics"])](),
          ];
      }
    }

    window.__fuzzChunk = async (n) => {
      for (let i = 0; i < n; i++) {
        state.calls++;
        let key;
        try {
          const [name] = await once();
          key = `${name}:ok`;
        } catch (e) {
          const typed =
            e instanceof iclab.IclabError &&
            KNOWN.has(e.code) &&
            typeof e.message === "string" &&
            e.message.length > 0;
          key = `${e?.code ?? "untyped"}`;
          state.examples[key] ??= String(e?.message).slice(0, 200);
          if (!typed && state.bad.length < 20)
            state.bad.push(`call ${state.calls}: ${e?.name} ${e?.code} ${e?.message}`);
        }
        state.outcomes[key] = (state.outcomes[key] ?? 0) + 1;
      }
      return {
        calls: state.calls,
        bad: state.bad,
        outcomes: state.outcomes,
        examples: state.examples,
      };
    };
  });
});
after(async () => {
  await browser?.close();
});

test(`${CALLS.toLocaleString("en")} random and malformed API calls each give a result or a typed error, and the worker keeps serving`, async () => {
  let summary;
  for (let done = 0; done < CALLS; done += CHUNK) {
    summary = await page.evaluate((n) => window.__fuzzChunk(n), CHUNK);
    assert.deepEqual(summary.bad, [], `untyped errors after ${summary.calls} calls`);
    assert.equal(
      summary.outcomes.worker_crashed,
      undefined,
      `the wasm trapped: ${JSON.stringify(summary.outcomes)}`,
    );
  }
  console.log(`outcomes of ${summary.calls} calls: ${JSON.stringify(summary.outcomes)}`);
  for (const [code, message] of Object.entries(summary.examples))
    console.log(`  e.g. ${code}: ${message}`);
  assert.equal(summary.calls, CALLS);
  // `backend` means something inside failed; bad input must never end there.
  assert.equal(
    summary.outcomes.backend,
    undefined,
    `backend errors, e.g. ${summary.examples.backend}`,
  );
  assert.ok(
    (summary.outcomes.invalid_config ?? 0) > CALLS / 10,
    "most malformed input is refused by name",
  );
  for (const kind of [
    "createValid:ok",
    "train:ok",
    "evaluate:ok",
    "load:ok",
    "startValid:ok",
    "advance:ok",
    "pool:ok",
    "layers:ok",
    "classifyStart:ok",
    "classifyEvaluate:ok",
    "cancel:ok",
  ]) {
    assert.ok((summary.outcomes[kind] ?? 0) > 0, `${kind} happened`);
  }
  assert.ok((summary.outcomes.aborted ?? 0) > 0, "some calls were cancelled");
  // The same worker still works.
  const fine = await page.evaluate(async () => {
    for (const s of window.__fuzz.sessions) await s.dispose();
    for (const r of window.__fuzz.runs) await r.dispose();
    for (const c of window.__fuzz.classify) await c.dispose();
    const s = await window.iclab.createSession({
      device: "cpu",
      dims: 3,
      points: 5,
      batchSize: 8,
      layers: 1,
      dModel: 16,
      heads: 2,
    });
    const steps = [];
    for await (const { report } of s.train({ steps: 4, every: 2 })) steps.push(report.step);
    await s.dispose();
    return { steps, live: (await window.iclab.diagnostics()).liveSessions };
  });
  assert.deepEqual(fine, { steps: [2, 4], live: 0 });
  assert.deepEqual(
    page.consoleErrors.filter((e) => !/404/.test(e)),
    [],
  );
});
