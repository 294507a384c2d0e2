// The URL state of every page: parsing, serializing and the sentences for values it refuses.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allowed, type Prop, rejection, urlState } from "../src/shell/state.js";
import { DEMOS } from "../src/demos.js";
import { CLASSIFY } from "../src/pages/classify/table.js";
import { COMPARE } from "../src/pages/compare/table.js";
import { CONTINUAL } from "../src/pages/continual/table.js";
import { DIVERSITY } from "../src/pages/diversity/table.js";
import { ICL } from "../src/pages/icl/table.js";

test("every page's defaults round-trip through an empty URL with no problems", () => {
  for (const [kind, demo] of Object.entries(DEMOS)) {
    const url = urlState(demo.table);
    const parsed = url.parse("");
    assert.deepEqual(parsed.problems, [], kind);
    assert.deepEqual(parsed.state, url.defaults(), kind);
    assert.equal(url.serialize(parsed.state), "", `${kind}: defaults stay out of the link`);
  }
});

test("a setting changed from its default comes back from its own link", () => {
  const url = urlState(ICL);
  const changed = { ...url.defaults(), task: "relu_net", dims: 8, seed: 3 };
  const link = url.serialize(changed);
  assert.match(link, /task=relu_net/);
  const back = url.parse(link);
  assert.deepEqual(back.problems, []);
  assert.equal(back.state.task, "relu_net");
  assert.equal(back.state.dims, 8);
  assert.equal(back.state.seed, 3);
});

test("bad parameters are named with the values they take, and ignored", () => {
  const url = urlState(CONTINUAL);
  const parsed = url.parse("?strategy=icarl&classes=99&colour=red");
  assert.equal(parsed.problems.length, 3, parsed.problems.join("\n"));
  assert.match(
    parsed.problems[0] ?? "",
    /"strategy=icarl" is not valid \(strategy must be one of .*replay.*\)/,
  );
  assert.match(
    parsed.problems[1] ?? "",
    /"classes=99" is not valid \(classes must be a whole number between \d+ and \d+\)/,
  );
  assert.match(parsed.problems[2] ?? "", /unknown parameter "colour"/);
  assert.deepEqual(parsed.state, url.defaults(), "nothing bad was taken");
});

test("chrome: embed, compact and hidden controls are parsed and kept in links", () => {
  const url = urlState(COMPARE);
  const parsed = url.parse("?embed=1&compact=1&seed_hide=1&steps_hide=0");
  assert.deepEqual(parsed.chrome, { embed: true, compact: true, hidden: ["seed"] });
  assert.equal(parsed.problems.length, 0, parsed.problems.join("\n"));
  assert.equal(url.serialize(parsed.state), "?embed=1&compact=1&seed_hide=1");
  assert.match(
    url.parse("?compact=yes").problems[0] ?? "",
    /"compact=yes" is not valid \(use 1 or 0\)/,
  );
});

test("an old URL name still reads as the value it became", () => {
  const url = urlState(ICL);
  assert.equal(url.parse("?probe=orthant").state.probe, "opposite_quadrants");
});

test("numbers are checked against the core's bounds: whole numbers, ranges, exclusive minimums", () => {
  const url = urlState(ICL);
  assert.equal(url.parseValue("dims", "2.5"), null);
  assert.equal(url.parseValue("dims", ""), null);
  assert.equal(url.parseValue("dims", "1e400"), null);
  assert.equal(url.parseValue("dims", "8"), 8);
  assert.equal(url.parseValue("learningRate", "0"), null, "a learning rate must be above 0");
  assert.equal(url.parseValue("learningRate", "0.01"), 0.01);
  const diversity = urlState(DIVERSITY);
  assert.equal(diversity.parseValue("m", "1000"), null, "the pools are a menu");
  assert.equal(diversity.parseValue("m", "inf"), "inf");
  const classify = urlState(CLASSIFY);
  assert.notEqual(classify.parseValue("classes", String(ICL.dims.default)), null);
});

test("the allowed values read as a sentence", () => {
  const int: Prop = { type: "int", min: 1, max: 64, default: 5 };
  const rate: Prop = { type: "float", min: 0, max: 1, minExclusive: true, default: 0.002 };
  const open: Prop = { type: "float", min: 0, max: Number.MAX_SAFE_INTEGER, default: 1 };
  const big: Prop = { type: "int", min: 0, max: 1_000_000, default: 0 };
  const menu: Prop = { type: "enum", values: ["a", "b"], default: "a" };
  assert.equal(allowed(int), "a whole number between 1 and 64");
  assert.equal(allowed(rate), "greater than 0 and at most 1");
  assert.equal(allowed(open), "at least 0");
  assert.equal(allowed(big), "a whole number between 0 and 1,000,000");
  assert.equal(allowed(menu), "one of a, b");
  assert.equal(
    rejection("Learning rate", rate, "-1", 0.002),
    'Learning rate must be greater than 0 and at most 1; "-1" is not. Kept 0.002.',
  );
  assert.match(rejection("Seed", int, "x".repeat(100), 5), /"x{24}…" is not/);
});
