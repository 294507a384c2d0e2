// The pages' settings tables against the catalog the core generates.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CATALOG } from "iclab";
import { DEMOS } from "../src/demos.js";
import { TASK_PARAM_NAMES, TASKS, taskConfig } from "../src/shell/tables.js";

test("every function class of the core is on the in-context pages, with its parameters", () => {
  assert.deepEqual(
    TASKS,
    CATALOG.icl.tasks.map((t) => t.kind),
  );
  for (const t of CATALOG.icl.tasks)
    for (const name of Object.keys(t.fields)) assert.ok(TASK_PARAM_NAMES.includes(name), name);
});

test("a task's parameters come from the flat page state, capped by the field that bounds them", () => {
  assert.deepEqual(taskConfig("sparse_linear", { sparsity: 9, dims: 5 }), {
    kind: "sparse_linear",
    sparsity: 5,
  });
  assert.deepEqual(taskConfig("linear", { sparsity: 3, dims: 5 }), { kind: "linear" });
  assert.deepEqual(taskConfig("sparse_linear", { dims: 5 }), { kind: "sparse_linear" });
});

test("every numeric default lies within its own bounds and every enum default is one of its values", () => {
  for (const [kind, demo] of Object.entries(DEMOS))
    for (const [name, p] of Object.entries(demo.table)) {
      const where = `${kind}.${name}`;
      if (p.type === "int" || p.type === "float") {
        assert.equal(typeof p.default, "number", where);
        const d = p.default as number;
        assert.ok(d >= p.min && d <= p.max, `${where}: ${d} outside [${p.min}, ${p.max}]`);
      } else if (p.type === "enum") {
        assert.ok(p.values.includes(String(p.default)), `${where}: ${p.default}`);
      } else {
        for (const item of String(p.default).split(",").filter(Boolean))
          assert.ok(p.values.includes(item), `${where}: ${item}`);
      }
      assert.ok(p.doc && p.doc.length > 3, `${where} has a description for the reference`);
    }
});
