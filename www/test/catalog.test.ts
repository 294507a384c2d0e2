// The site names the core's choices only through the catalog: every menu value has the core's
// title, and no site module spells a backbone's or a continual choice's config name.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CATALOG } from "iclab";
import { choiceLabel } from "../src/shell/form.js";
import { DEMOS } from "../src/shell/tables.js";

const { titles } = CATALOG;
/** The catalog's titles of each setting whose values are the core's choices (the rest, such as `start`, are the pages' own). */
const CORE_CHOICES: Record<string, Readonly<Record<string, string>>> = {
  task: titles.tasks,
  model: titles.models,
  tokens: titles.tokens,
  device: titles.devices,
  probe: titles.probes,
  dataset: titles.datasets,
  scenario: titles.scenarios,
  strategy: titles.strategies,
  compare: titles.strategies,
  schedule: titles.schedules,
  bufferPolicy: titles.bufferPolicies,
  embedding: titles.embeddings,
  backbone: titles.classifyBackbones,
};

/** Values a page adds to a core choice (the continual page's "no second learner"). */
const PAGE_VALUES: Record<string, readonly string[]> = { compare: ["none"] };

test("every core choice on every page shows the core's title", () => {
  let checked = 0;
  for (const [kind, demo] of Object.entries(DEMOS))
    for (const [name, p] of Object.entries(demo.table)) {
      if (p.type !== "enum") continue;
      for (const value of p.values) {
        const label = choiceLabel(name, value);
        if (name === "preset") {
          assert.match(label, new RegExp(`^${value} \\(\\d+ wide: `), `${kind}.preset: ${label}`);
          continue;
        }
        const expected = CORE_CHOICES[name]?.[value];
        if (CORE_CHOICES[name] === undefined || PAGE_VALUES[name]?.includes(value)) continue;
        assert.ok(expected, `${kind}.${name}: the catalog has no title for ${value}`);
        assert.equal(label, expected, `${kind}.${name}: ${value}`);
        checked += 1;
      }
    }
  assert.ok(checked > 40, `${checked} choices checked`);
});

/**
 * Core names the site must take from the catalog: backbones, token layouts, and every continual
 * choice a page builds a config from (strategies, streams, datasets). The teachers page is exempt: its lessons
 * are links, and a link names its settings as a URL does (the e2e lessons test opens each one).
 */
const NAMES: Record<string, readonly string[]> = {
  backbone: CATALOG.icl.models.map((m) => m.kind),
  strategy: CATALOG.continual.strategies.map((s) => s.kind),
  scenario: CATALOG.continual.scenarios.map((s) => s.kind),
  dataset: CATALOG.continual.datasets.map((d) => d.kind),
  "token layout": CATALOG.icl.tokens,
};
const EXEMPT = /^pages[/\\]teachers[/\\]/;

test("no site module spells a backbone's, a token layout's or a continual choice's config name", () => {
  const src = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../../src");
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !EXEMPT.test(f),
  );
  assert.ok(files.length > 20, `${files.length} modules read`);
  for (const file of files) {
    const text = readFileSync(join(src, file), "utf8");
    for (const [what, names] of Object.entries(NAMES))
      for (const name of names)
        assert.doesNotMatch(
          text,
          new RegExp(`["'\`]${name}["'\`]`),
          `${file} spells the ${what} "${name}"`,
        );
  }
});
