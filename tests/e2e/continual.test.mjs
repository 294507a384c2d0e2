// Continual-learning page: a split 2-D stream with Naive and Replay side by side, trained live
// with per-iteration evaluation; the heatmaps, metrics and decision regions render; digits and
// the analytic head's unlearning work from the page; settings live in the URL.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

const results = (page) => page.evaluate(() => JSON.parse(document.body.dataset.results ?? "null"));

/** Distinct colours in a canvas (a blank one has 1). */
const colours = (page, id) =>
  page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId);
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7)
      seen.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
    return seen.size;
  }, id);

test("split 2-D stream: Replay forgets less than Naive; heatmaps, metrics and boundaries render", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?classes=4&perClass=100&iterationsPerTask=80&every=20&device=cpu&seed=1`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.inputValue("select[name=strategy]"), "naive");
  assert.equal(await page.inputValue("select[name=compare]"), "replay");
  await page.click("#train");
  // live: partial results appear before the end
  await page.waitForFunction(
    () => {
      const r = JSON.parse(document.body.dataset.results ?? "null");
      return r?.a && r.a.step > 0 && !r.a.done;
    },
    null,
    { timeout: 120_000 },
  );
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 300_000,
  });
  const r = await results(page);
  console.log(
    `naive  R = ${JSON.stringify(r.a.accuracyMatrix)} forgetting ${r.a.metrics.forgetting.toFixed(3)}`,
  );
  console.log(
    `replay R = ${JSON.stringify(r.b.accuracyMatrix)} forgetting ${r.b.metrics.forgetting.toFixed(3)}`,
  );
  assert.equal(r.a.strategy, "naive");
  assert.equal(r.b.strategy, "replay");
  assert.ok(r.a.metrics.forgetting > 0.5, `naive forgetting ${r.a.metrics.forgetting}`);
  assert.ok(
    r.b.metrics.forgetting < r.a.metrics.forgetting / 2,
    `replay ${r.b.metrics.forgetting} vs naive ${r.a.metrics.forgetting}`,
  );
  // naive's first task falls to ~0 and stays: forgetting, not a stability gap (docs/SCIENCE.md §3)
  const dip = r.a.stabilityGaps[0];
  assert.equal(dip.kind, "forgetting", JSON.stringify(dip));
  assert.ok(dip.settled && dip.drop > 0.5 && dip.recovery < dip.drop / 2, JSON.stringify(dip));
  assert.match(await page.textContent("#metrics-more"), /Tasks forgotten at a switch/);
  // heatmaps: 2 segments × 2 tasks each, numbers in the cells
  for (const id of ["#matrix-a", "#matrix-b"]) {
    assert.equal(await page.locator(`${id} tbody tr`).count(), 2);
    assert.equal(await page.locator(`${id} td.cell`).count(), 4);
  }
  // metric summary table: a row per metric, a column per learner
  assert.match(
    await page.textContent("#metrics"),
    /Average accuracy.*Forgetting.*Worst-case accuracy/s,
  );
  assert.equal(await page.locator("#metrics thead th").count(), 3);
  assert.match(await page.textContent("#metrics-more"), /Backward transfer \(BWT\)/);
  // decision regions: many colours (regions of ≥ 2 classes plus points)
  for (const id of ["boundary-a", "boundary-b"]) assert.ok((await colours(page, id)) > 4, id);
  // accuracy charts drew one line per task
  assert.equal(await page.locator("#acc-chart-a .u-series").count(), 3);
  assert.match(await page.textContent("#status"), /Done: Naive fine-tuning: ACC/);
  await screenshot(page, "continual-split-2d");
  // each dip's label sits at its dip, inside the chart and on no curve or switch line, on a
  // desktop and on a phone
  const labelsAt = (id, width) =>
    page.waitForFunction(
      ([i, w]) => {
        const el = document.getElementById(i);
        return el.dataset.labels && el.dataset.labelsWidth !== w
          ? JSON.parse(el.dataset.labels)
          : null;
      },
      [id, width],
    );
  const drawn = { "acc-chart-a": "", "acc-chart-b": "" };
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const id of Object.keys(drawn)) {
      const labels = await (await labelsAt(id, drawn[id])).jsonValue();
      drawn[id] = await page.getAttribute(`#${id}`, "data-labels-width");
      // naive's forgetting and replay's small stability gap are each labelled
      assert.equal(labels.length, 1, `${id} at ${width} px: ${JSON.stringify(labels)}`);
      for (const l of labels) {
        assert.ok(l.inside && l.crossings === 0, `${id} at ${width} px: ${JSON.stringify(l)}`);
        // within about a label's width of the dip it names
        assert.ok(l.distance <= 80, `${id} at ${width} px: far from its dip: ${JSON.stringify(l)}`);
      }
    }
  }
  await screenshot(page, "continual-split-2d-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("digits with the analytic head: unlearning from the page; URL state and hidden settings", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?dataset=digits&perClass=40&strategy=analytic&compare=ncm&device=cpu&every=5&mystery=1`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await page.textContent("#status"), /unknown parameter "mystery" ignored/);
  assert.equal(await page.isVisible("#boundaries"), false);
  assert.equal(await page.isVisible("#unlearn-row"), true);
  assert.equal(await page.isVisible("input[name=classes]"), false);
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 300_000,
  });
  const before = await results(page);
  assert.equal(before.a.accuracyMatrix.length, 5);
  assert.ok(before.a.metrics.averageAccuracy > 0.5, JSON.stringify(before.a.metrics));
  assert.ok(before.b.metrics.forgetting < 0.3);
  await page.fill("#forget-class", "3");
  await page.click("#unlearn");
  await page.waitForFunction(() =>
    /unlearned exactly/.test(document.getElementById("status").textContent),
  );
  // the end-of-stream metrics are the learner's after unlearning, and say so
  const unlearned = await results(page);
  assert.deepEqual(unlearned.a.unlearned, [3]);
  assert.ok(
    unlearned.a.metrics.averageAccuracy < before.a.metrics.averageAccuracy - 0.02,
    `${before.a.metrics.averageAccuracy} → ${unlearned.a.metrics.averageAccuracy}`,
  );
  const acc = unlearned.a.metrics.averageAccuracy.toFixed(3);
  assert.match(await page.textContent("#metrics thead"), /after unlearning class 3/);
  assert.match(await page.textContent("#metrics tbody tr:first-child"), new RegExp(acc));
  assert.match(await page.textContent("#matrix-a tbody tr:last-child th"), /after unlearning 3/);
  assert.deepEqual(page.consoleErrors, []);

  // changing a setting asks first (the runs were trained here), then rewrites the URL and
  // resets the runs
  await page.selectOption("select[name=scenario]", "permuted");
  assert.match(await page.textContent("#status"), /^Changing Scenario starts a new model/);
  await page.click("#status button.discard");
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  assert.match(page.url(), /scenario=permuted/);
  assert.equal(await page.isVisible("input[name=tasks]"), true);
  // the new stream is built, untrained, before Train
  const fresh = await results(page);
  assert.equal(fresh.a.step, 0);
  assert.equal(fresh.a.accuracyMatrix.length, 0);
  await page.close();
});

test("every setting of the continual page round-trips through the URL", async () => {
  const page = await browser.page();
  const settings = {
    dataset: "moons",
    classes: "4",
    noise: "0.3",
    perClass: "120",
    scenario: "reoccurring",
    classesPerTask: "2",
    tasks: "3",
    maxDegrees: "45",
    blur: "0.2",
    segments: "5",
    schedule: "cycle",
    revisitExponent: "1.5",
    strategy: "ewc",
    compare: "lwf",
    bufferSize: "300",
    bufferPolicy: "class_balanced",
    rehearsalExponent: "0.5",
    l2Lambda: "0.1",
    ewcLambda: "50",
    lwfAlpha: "2",
    temperature: "3",
    features: "128",
    ridge: "0.1",
    embedding: "frozen",
    hidden: "32,32",
    learningRate: "0.01",
    batchSize: "16",
    iterationsPerTask: "50",
    evalEvery: "2",
    every: "5",
    device: "cpu",
    seed: "7",
  };
  const query = new URLSearchParams(settings).toString();
  await page.goto(`${browser.url}continual.html?${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  for (const [name, value] of Object.entries(settings)) {
    assert.equal(await page.inputValue(`[name=${name}]`), value, name);
  }
  assert.doesNotMatch(await page.textContent("#status"), /URL:/);
  // a change keeps every other setting: the rewritten URL (defaults left out) loads the same
  await page.fill("input[name=seed]", "8");
  await page.press("input[name=seed]", "Tab");
  await page.waitForFunction(() => /seed=8/.test(location.search));
  await page.goto(page.url());
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  for (const [name, value] of Object.entries({ ...settings, seed: "8" })) {
    assert.equal(await page.inputValue(`[name=${name}]`), value, name);
  }
  // a malformed value is reported and ignored
  await page.goto(`${browser.url}continual.html?strategy=icarl&classes=99`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(
    await page.textContent("#status"),
    /"strategy=icarl" is not valid.*"classes=99" is not valid/,
  );
  assert.equal(await page.inputValue("[name=strategy]"), "naive");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("only streams the dataset can feed are offered; one that cannot apply is named, not 'Kind'", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}continual.html?device=cpu&seed=2`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const permuted = "select[name=scenario] option[value=permuted]";
  // 2-D points cannot be permuted into new tasks: offered disabled, with why
  assert.equal(await page.$eval(permuted, (o) => o.disabled), true);
  assert.match(await page.$eval(permuted, (o) => o.title), /needs more than 2 input features/);
  // on the digits it is offered, and the 2-D shapes are disabled while it is chosen
  await page.selectOption("select[name=dataset]", "digits");
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
    timeout: 120_000,
  });
  assert.equal(await page.$eval(permuted, (o) => o.disabled), false);
  await page.selectOption("select[name=scenario]", "permuted");
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
    timeout: 120_000,
  });
  const shapes = await page.$$eval("select[name=dataset] option", (os) =>
    os.filter((o) => o.value !== "digits").map((o) => o.disabled),
  );
  assert.ok(shapes.length > 0 && shapes.every(Boolean), JSON.stringify(shapes));
  // a link that asks for the combination anyway hears which setting, by its label
  const again = await browser.page();
  await again.goto(`${browser.url}continual.html?device=cpu&scenario=permuted`);
  await again.waitForFunction(() => document.body.dataset.state === "error", null, {
    timeout: 60_000,
  });
  const status = await again.textContent("#status");
  assert.match(status, /^Scenario: permuted inputs need more than 2 features/);
  await again.close();
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
