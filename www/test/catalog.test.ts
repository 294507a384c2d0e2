// The site names the core's choices only through the catalog: every menu value has the core's
// title, and no site module spells a backbone's or a continual choice's config name.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CATALOG } from "iclab";
import { choiceLabel } from "../src/shell/form.js";
import { DEMOS } from "../src/demos.js";

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
 * Core names the site must take from the catalog: backbones, token layouts, baselines, probes,
 * and every continual choice a page builds a config from (strategies, streams, datasets), quoted
 * or as an object's key. The teachers page is exempt: its lessons are links, and a link names its
 * settings as a URL does (the e2e lessons test opens each one).
 */
const NAMES: Record<string, readonly string[]> = {
  backbone: CATALOG.icl.models.map((m) => m.kind),
  strategy: CATALOG.continual.strategies.map((s) => s.kind),
  scenario: CATALOG.continual.scenarios.map((s) => s.kind),
  dataset: CATALOG.continual.datasets.map((d) => d.kind),
  "token layout": CATALOG.icl.tokens,
  baseline: CATALOG.icl.baselines,
  // "none" is also a page's own word (no second learner, no phase yet)
  probe: CATALOG.icl.probes.filter((p) => p !== CATALOG.icl.evalDefaults.probe),
  "probe alias": Object.keys(CATALOG.icl.probeAliases),
};
const EXEMPT = /^pages[/\\]teachers[/\\]/;
/** Names a module may spell, and why. */
const ALLOWED: Record<string, readonly string[]> = {
  // the layers result's own fields (Newton's and GD's nearest iterates, the least-squares
  // reference), drawn in their baselines' colours
  "pages/icl/layers.ts": ["newton", "gd", "least_squares"],
  // the essay's figure draws the two methods its prose discusses
  "pages/landing/main.ts": ["least_squares", "averaging"],
  // a function class's paragraph, keyed by the class (one class shares a baseline's name)
  "pages/icl/explain.ts": ["relu_net"],
};

test("no site module spells a backbone's, token layout's, baseline's, probe's or continual choice's config name", () => {
  const src = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../../src");
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !EXEMPT.test(f),
  );
  assert.ok(files.length > 20, `${files.length} modules read`);
  for (const file of files) {
    const text = readFileSync(join(src, file), "utf8");
    const allowed = ALLOWED[file.replaceAll("\\", "/")] ?? [];
    for (const [what, names] of Object.entries(NAMES))
      for (const name of names.filter((n) => !allowed.includes(n)))
        assert.doesNotMatch(
          text,
          new RegExp(`["'\`]${name}["'\`]|(^\\s*|[{,]\\s*)${name}\\s*:`, "m"),
          `${file} spells the ${what} "${name}"`,
        );
  }
});
