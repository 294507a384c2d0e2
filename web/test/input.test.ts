// What the package checks before anything crosses to the worker: typed errors naming the field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { IclabError, describe, toPayload, wholeNumber } from "../src/errors.js";
import { cancellable, plain, reading } from "../src/input.js";

/** The error `run` throws, which must be an `IclabError`. */
function thrown(run: () => unknown): IclabError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof IclabError, String(error));
    return error;
  }
  assert.fail("expected an IclabError");
}

test("a caller's value is described briefly and never throws", () => {
  assert.equal(describe("x".repeat(100)), `${JSON.stringify("x".repeat(48))}…`);
  assert.equal(describe(Object.create(null)), "an object");
  assert.equal(describe(new Array(5)), "an array of 5 entries");
  assert.equal(
    describe(() => 1),
    "a function",
  );
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(typeof describe(proxy), "string");
});

test("configs must be plain and finite: the error names the path at fault", () => {
  assert.deepEqual(plain("config", undefined), {});
  assert.deepEqual(plain("config", { dims: 5, task: { kind: "linear" } }), {
    dims: 5,
    task: { kind: "linear" },
  });
  assert.equal(thrown(() => plain("config", [1])).field, "config");
  assert.equal(thrown(() => plain("config", { learningRate: Number.NaN })).field, "learningRate");
  assert.equal(
    thrown(() => plain("config", { task: { noiseStd: Infinity } })).field,
    "task.noiseStd",
  );
  assert.equal(thrown(() => plain("config", { when: new Date() })).field, "when");
  assert.equal(thrown(() => plain("config", { list: [1, () => 2] })).field, "list[1]");
  assert.equal(thrown(() => plain("config", { big: new Array(10_001).fill(0) })).field, "big");
  const getter = {
    get dims(): number {
      throw new Error("no");
    },
  };
  assert.equal(thrown(() => plain("config", getter)).field, "dims");
  assert.doesNotThrow(() => plain("options", { x: Number.NaN }, "mayBeNaN"));
});

test("a call's signal is split off and checked", () => {
  const controller = new AbortController();
  const { rest, signal } = cancellable("options", { steps: 5, signal: controller.signal });
  assert.deepEqual(rest, { steps: 5 });
  assert.equal(signal, controller.signal);
  assert.equal(thrown(() => cancellable("options", { signal: "stop" })).field, "signal");
  assert.equal(thrown(() => cancellable("options", 5)).field, "options");
});

test("whole numbers, reads that throw, and payloads from anything thrown", () => {
  assert.equal(wholeNumber("steps", 3, 1, 10), 3);
  const err = thrown(() => wholeNumber("steps", 2.5, 1, 10));
  assert.equal(err.code, "invalid_config");
  assert.match(err.message, /steps.*whole number between 1 and 10, got 2\.5/);
  assert.equal(
    thrown(() =>
      reading(
        "bytes",
        () => {
          throw new TypeError("detached");
        },
        "invalid_checkpoint",
      ),
    ).code,
    "invalid_checkpoint",
  );
  assert.deepEqual(toPayload({ code: "too_large", field: "prompts", message: "m" }), {
    code: "too_large",
    field: "prompts",
    message: "m",
  });
  assert.equal(toPayload({ code: "made_up", message: "m" }).code, "backend");
  assert.equal(toPayload("boom").code, "backend");
});
