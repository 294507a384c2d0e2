// The task-diversity page (docs/SCIENCE.md §5) on the CPU path: the shipped sweep as the main
// figure, the slider loading the shipped model of each M and testing it live on new tasks and on
// its pool, the URL keeping M, and a few steps of "train this M from scratch". One page serves
// every check but the training one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

const SWEEP = JSON.parse(
  readFileSync(new URL("../../www/public/diversity/sweep.json", import.meta.url), "utf8"),
);

let browser;
let page;
before(async () => {
  browser = await open({ webgpu: false });
  page = await browser.page();
});
after(async () => {
  await browser?.close();
});

const loaded = (m) =>
  page.waitForFunction(
    (want) =>
      document.body.dataset.state === "idle" &&
      document.body.dataset.loaded === want &&
      document.body.dataset.freshToRidge,
    m,
    {
      timeout: 120_000,
    },
  );
const numbers = () =>
  page.evaluate(() => {
    const d = document.body.dataset;
    return {
      freshToDmmse: Number(d.freshToDmmse),
      freshToRidge: Number(d.freshToRidge),
      poolToDmmse: Number(d.poolToDmmse),
      poolToRidge: Number(d.poolToRidge),
    };
  });

/** Moves the slider to `m` as a visitor would (keyboard), one notch at a time. */
async function slideTo(m) {
  const values = await page.evaluate(() =>
    [...document.querySelectorAll("#sweep-table tbody th")].map((th) => th.textContent),
  );
  const target = values.indexOf(m === "inf" ? "∞" : m);
  assert.ok(target >= 0, `${m} is on the slider (${values})`);
  const now = Number(await page.inputValue("#pool-slider"));
  await page.focus("#pool-slider");
  for (let i = 0; i < Math.abs(target - now); i++)
    await page.keyboard.press(target > now ? "ArrowRight" : "ArrowLeft");
  // a keyboard step fires `change` per notch; wait for the last one's model
}

test("the shipped sweep is the main figure, with the core's findings and a row per M", async () => {
  await page.goto(`${browser.url}diversity.html?device=cpu&evalPrompts=128`);
  await loaded("8");
  const rows = await page.$$eval("#sweep-table tbody tr", (trs) =>
    trs.map((tr) => tr.querySelector("th").textContent),
  );
  const pools = [
    ...new Set(
      SWEEP.runs.map((r) =>
        r.taskPool === null
          ? "∞"
          : r.taskPool >= 1024
            ? `${r.taskPool / 1024}k`
            : String(r.taskPool),
      ),
    ),
  ];
  assert.deepEqual(rows, pools, "one row per M of the shipped sweep, in slider order");
  // the page's slider covers exactly the shipped M values (tables.ts POOLS)
  assert.equal(Number(await page.getAttribute("#pool-slider", "max")), pools.length - 1);
  // the sentences are the core's findings, shown as they are (no page decides a finding)
  const f = SWEEP.findings;
  assert.equal(
    await page.textContent("#threshold"),
    [...f.crossovers.map((c) => c.statement), ...f.longer.map((m) => m.statement)].join(" "),
  );
  const first = f.crossovers[0];
  assert.equal(
    await page.evaluate(() => document.body.dataset.threshold),
    first.decided && first.from !== null ? String(first.from) : "none",
  );
  // the position figure has a line per training length; the longer runs have their own table
  const lengths = [...new Set(f.cells.map((c) => c.steps))].sort((a, b) => a - b);
  assert.deepEqual(JSON.parse(await page.getAttribute("#sweep-position", "data-lengths")), lengths);
  assert.equal(await page.locator("#longer-table tbody tr").count(), f.longer.length);
  for (const id of ["#sweep-fresh", "#sweep-pool"])
    assert.equal(await page.getAttribute(id, "data-marked"), "8", `${id} marks the slider's M`);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "diversity");
});

test("the slider loads each M's model: M = 1 answers like dMMSE, M = ∞ like ridge, and the URL keeps it", async () => {
  await slideTo("1");
  await loaded("1");
  assert.match(page.url(), /[?&]m=1(&|$)/);
  const one = await numbers();
  console.log(
    `M = 1: new tasks ${one.freshToDmmse.toFixed(3)} to dMMSE, ${one.freshToRidge.toFixed(3)} to ridge; pool ${one.poolToDmmse.toFixed(4)} to dMMSE`,
  );
  assert.ok(
    one.freshToDmmse < one.freshToRidge,
    "a model of one task answers with that task, as dMMSE",
  );
  assert.ok(one.poolToDmmse < 0.05, "on its own task it is dMMSE");
  assert.equal(await page.isVisible("#pool-figure"), true);
  await slideTo("inf");
  await loaded("inf");
  assert.match(page.url(), /[?&]m=inf(&|$)/);
  const inf = await numbers();
  console.log(`M = ∞: new tasks ${inf.freshToRidge.toFixed(3)} to ridge`);
  assert.ok(inf.freshToRidge < one.freshToRidge / 5, "a fresh task per prompt: close to ridge");
  assert.equal(await page.isVisible("#pool-figure"), false, "no pool to test on");
  // a link with the slider's M opens there
  await page.goto(`${browser.url}diversity.html?device=cpu&evalPrompts=128&m=1024`);
  await loaded("1024");
  assert.equal(await page.textContent("#pool-value"), "M = 1024");
  assert.deepEqual(page.consoleErrors, []);
});

test("train this M from scratch: a few steps, the loss drawn and both evaluations redone", async () => {
  await page.goto(
    `${browser.url}diversity.html?device=cpu&evalPrompts=64&m=4&steps=6&every=3&evalEvery=3`,
  );
  await loaded("4");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(d.loaded, "scratch-4");
  assert.equal(d.step, "6");
  assert.equal(d.evaluatedStep, "6", "evaluated at the end of the run");
  assert.ok(Number.isFinite(Number(d.poolToDmmse)) && Number.isFinite(Number(d.freshToRidge)));
  assert.equal(await page.isVisible("#loss-chart"), true);
  // the model trained here is marked on the sweep's figure, at its M and position, its label
  // inside the chart and clear of the lines; the steps note says why it trained fewer steps
  const you = await page.evaluate(() =>
    JSON.parse(document.getElementById("sweep-position").dataset.you ?? "null"),
  );
  assert.deepEqual(you, { pool: 4, fraction: Number(d.freshPosition), steps: 6 });
  const [label] = await page.evaluate(() =>
    JSON.parse(document.getElementById("sweep-position").dataset.labels ?? "[]"),
  );
  assert.match(label.text, /^yours: .* after 6 steps$/);
  await screenshot(page, "diversity-yours");
  assert.ok(label.inside && label.crossings === 0, JSON.stringify(label));
  assert.match(
    await page.textContent("#steps-note"),
    /runs 6 steps.*the sweep's models trained 6,000.*set Steps to 6,000/,
  );
  // back to the shipped model: the mark goes
  await page.click("#reset");
  await loaded("4");
  assert.equal(
    await page.evaluate(() => document.getElementById("sweep-position").dataset.you),
    undefined,
  );
  assert.deepEqual(page.consoleErrors, []);
});
