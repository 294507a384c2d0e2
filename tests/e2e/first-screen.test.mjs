// What a visitor meets first, at desktop (1280 px) and phone (390 px) width: the landing cards,
// the picture before the settings, something to look at before Train, and charts that never hide
// a curve. Screenshots of each page at both widths go to tests/artifacts (<page>-1280/-390.png).
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

const data = (page, key) =>
  page.evaluate((k) => JSON.parse(document.body.dataset[k] ?? "null"), key);
const series = (page, id) =>
  page.evaluate((i) => JSON.parse(document.getElementById(i).dataset.series ?? "[]"), id);

/** Every series drawn on an error chart has a point inside it or a marker at its edge. */
function noneHidden(views, what) {
  assert.ok(views.length > 0, `${what}: series drawn`);
  for (const v of views)
    assert.ok(
      v.visible > 0 || v.clipped > 0,
      `${what}: ${v.name} is neither visible nor marked (${JSON.stringify(v)})`,
    );
}

/** How far down the page the first chart starts (px). */
const firstChartTop = (page, selector) =>
  page.evaluate((s) => document.querySelector(s).getBoundingClientRect().top + scrollY, selector);

test("the landing page: a card per demo with a recorded picture and a way in; the figure's axes are labelled", async () => {
  const page = await browser.page();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${browser.url}index.html`);
    await page.waitForFunction(() => document.body.dataset.figure === "drawn");
    const cards = await page.$$eval(".card", (cs) =>
      cs.map((c) => ({
        title: c.querySelector("h2").textContent,
        href: c.querySelector("a.try").getAttribute("href"),
        lines: c.querySelectorAll("polyline").length,
      })),
    );
    assert.deepEqual(
      cards.map((c) => c.href),
      [
        "./icl.html",
        "./compare.html",
        "./diversity.html",
        "./classify.html",
        "./continual.html",
        "./markov.html",
      ],
    );
    for (const c of cards)
      assert.ok(c.lines >= 2, `${c.title}: a recorded picture with two curves`);
    assert.ok(await page.isVisible(".card a.try >> nth=0"));
    // the cards speak a newcomer's words: classify's rise is two stages, not a "sudden jump"; no
    // estimator names or "in-weights" in the legends
    const words = await page.$$eval(".card p, .card svg text", (ts) =>
      ts.map((t) => t.textContent).join(" "),
    );
    assert.doesNotMatch(words, /sudden jump|to dMMSE|in-weights/);
    const labels = await page.$$eval("#icl-figure text.caption", (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.ok(
      labels.some((t) => /error/.test(t)),
      `the figure's y-axis has a label: ${labels}`,
    );
    // no picture's words run off the screen (the prompt diagram's caption once did on a phone)
    const outside = await page.$$eval("svg text", (ts) =>
      ts
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < 0 || r.right > document.documentElement.clientWidth);
        })
        .map((t) => t.textContent),
    );
    assert.deepEqual(outside, [], `at ${width}`);
    // nor past the edge of its own picture (a card's last tick once read "60" for "600")
    const clipped = await page.$$eval("svg text", (ts) =>
      ts
        .filter((t) => {
          const r = t.getBoundingClientRect();
          const box = t.closest("svg").getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
        })
        .map((t) => `${t.closest("svg").id}: ${t.textContent}`),
    );
    assert.deepEqual(clipped, [], `at ${width}`);
    // the prompt diagram's words stay readable on a phone (rendered height of a token label)
    const textPx = await page.$eval(
      "svg.diagram .tokens text",
      (t) => t.getBoundingClientRect().height,
    );
    assert.ok(textPx >= 10, `diagram text ${textPx.toFixed(1)} px tall at ${width} px`);
    await screenshot(page, `index-${width}`);
  }
  await page.click(".card a.try >> nth=4");
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(page.url(), /continual\.html$/);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("on a phone the picture comes first and the settings fold; on a desktop they stay open", async () => {
  const page = await browser.page();
  for (const [path, ready, chart] of [
    [
      "icl.html",
      () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
      "#eval-chart",
    ],
    [
      "compare.html",
      () => document.body.dataset.state === "idle" && document.body.dataset.curves,
      "#eval-chart",
    ],
    ["continual.html", () => document.body.dataset.ready === "true", "#acc-chart-a"],
    [
      "diversity.html?device=cpu&evalPrompts=64",
      () => document.body.dataset.state === "idle" && document.body.dataset.loaded,
      "#sweep-position",
    ],
    ["classify.html?device=cpu", () => document.body.dataset.ready === "true", "#phase"],
  ]) {
    const name = path.split(".html")[0];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${browser.url}${path}`);
      await page.waitForFunction(ready, null, { timeout: 120_000 });
      const open = await page.$eval("#settings", (d) => d.open);
      assert.equal(
        open,
        width > 760,
        `${name} at ${width} px: settings ${open ? "open" : "folded"}`,
      );
      assert.ok(await page.isVisible("#train"), "Train stays in reach");
      // Train, the status line and the main chart are on the first screen (390×844 on a phone)
      const screen = width > 760 ? 900 : 844;
      for (const selector of ["#train", "#status", chart]) {
        const box = await page.$eval(selector, (e) => e.getBoundingClientRect().toJSON());
        assert.ok(
          box.top >= 0 && box.top + Math.min(box.height, 40) <= screen,
          `${name} at ${width} px: ${selector} starts at ${box.top.toFixed(0)} px`,
        );
      }
      if (width === 390) {
        const top = await firstChartTop(page, chart);
        assert.ok(top < 700, `${name}: the first chart starts ${top.toFixed(0)} px down`);
      }
      await screenshot(page, `${name}-${width}`);
    }
  }
  // the pages without charts, for the record
  for (const name of ["teachers", "api"]) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${browser.url}${name}.html`);
      await page.waitForFunction(() => document.body.dataset.ready === "true");
      await screenshot(page, `${name}-${width}`);
    }
  }
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("the continual page shows the stream and the untrained decision regions before Train", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}continual.html?device=cpu`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const r = await data(page, "results");
  assert.equal(r.a.step, 0);
  assert.equal(r.b.step, 0);
  assert.match(await page.textContent("#status"), /untrained decision regions/);
  // the untrained accuracies are the run's, said as numbers (not "chance level")
  const before = r.a.randomInit.map((a, i) => `task ${i + 1} ${a.toFixed(2)}`).join(", ");
  assert.match(
    await page.textContent("#status"),
    new RegExp(`learner scores ${before} \\(the dots at step 0`),
  );
  const colours = await page.evaluate(() => {
    const c = document.getElementById("boundary-a");
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4 * 7) seen.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 6, `the test points over the untrained regions (${colours} colours)`);
  // headline metrics with their explanations; the rest folded behind "More metrics"
  assert.equal(await page.locator("#metrics tbody tr").count(), 3);
  assert.match(
    await page.textContent("#metrics"),
    /Average accuracy.*Forgetting.*Worst-case accuracy/s,
  );
  assert.equal(
    await page.getAttribute("#metrics tbody th >> nth=1", "title"),
    await page.textContent("#metrics tbody th >> nth=1 >> .help"),
  );
  assert.equal(await page.isVisible("#metrics-more"), false);
  await page.click("#metrics-more-box summary");
  assert.ok((await page.locator("#metrics-more tbody tr").count()) >= 6);
  // the analytic head reads its data once: both learners' charts still share one step axis
  await page.goto(
    `${browser.url}continual.html?device=cpu&strategy=analytic&compare=naive&every=50`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  const ranges = await page.evaluate(() =>
    ["a", "b"].map((s) => JSON.parse(document.getElementById(`acc-chart-${s}`).dataset.xRange)),
  );
  const done = await data(page, "results");
  assert.notEqual(done.a.totalSteps, done.b.totalSteps, "the two streams differ in length");
  assert.deepEqual(ranges[0], ranges[1], "one x-range for both charts");
  assert.equal(ranges[0][1], Math.max(done.a.totalSteps, done.b.totalSteps));
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("the error chart never hides a curve: edge markers, integer k, a legend without placeholders", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=cpu`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  // linear by default: averaging runs off the top at small k and is marked there
  const views = await series(page, "eval-chart");
  noneHidden(views, "linear");
  assert.ok(views.find((v) => v.name === "averaging").clipped > 0);
  assert.match(await page.textContent(".note.clipped"), /averaging \(up to/);
  // the scale is the model's and least squares' (both start near 1 at k = 0), not averaging's
  const top = Number(await page.getAttribute("#eval-chart", "data-top"));
  const curves = await data(page, "curves");
  const whole = Math.max(...curves.model, ...curves.least_squares, ...curves.zero);
  assert.ok(top >= whole && top <= 1.1 * whole, `top ${top}, model/least squares up to ${whole}`);
  // inputs ×3: the zero estimator scores 9; the model and every baseline stay visible
  await page.selectOption("select[name=probe]", "scaled");
  await page.selectOption("select[name=probeScale]", "3");
  await page.waitForFunction(
    () => document.body.dataset.evaluatedProbe === "scaled" && !document.body.dataset.evaluating,
  );
  noneHidden(await series(page, "eval-chart"), "inputs ×3");
  await screenshot(page, "icl-probe-scaled-3-markers");
  // no "Value: --" row or "--" values before hovering
  // biome-ignore lint/performance/useDomNodeTextContent: only what is shown counts (hidden band rows hold "--")
  const legend = await page.$eval("#eval-chart .u-legend", (l) => l.innerText);
  assert.doesNotMatch(legend, /--|Value/, legend);
  // the shipped model's own training is on the loss chart, so it is not a flat line alone (its log
  // has one report per 1,000 of its 24,000 steps)
  assert.ok(Number(await page.getAttribute("#loss-chart", "data-recorded")) >= 20);
  // continuing it, then Reset: the chart starts again from the recorded run (no stale x-range)
  await page.goto(`${browser.url}icl.html?device=cpu&steps=2&every=1&evalPrompts=64`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  const trained = await page.evaluate(() =>
    JSON.parse(document.getElementById("loss-chart").dataset.xRange),
  );
  assert.ok(trained[1] >= 24_002, JSON.stringify(trained));
  await page.click("#reset");
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  const reset = await page.evaluate(() =>
    JSON.parse(document.getElementById("loss-chart").dataset.xRange),
  );
  assert.ok(reset[1] <= 24_000, `after Reset the x-range is the recorded run's: ${reset}`);
  assert.equal(await page.getAttribute("#loss-chart", "data-points"), "0");

  // from scratch, d = 3: whole-number ticks for k; no empty loss chart before the first report
  await page.goto(
    `${browser.url}icl.html?device=cpu&start=scratch&dims=3&points=7&steps=3&every=3&evalPrompts=64`,
  );
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  const ticks = await page.evaluate(() =>
    JSON.parse(document.getElementById("prompt-chart").dataset.xTicks ?? "[]"),
  );
  const kTicks = await page.evaluate(() =>
    JSON.parse(document.getElementById("eval-chart").dataset.xTicks ?? "[]"),
  );
  for (const t of [...ticks, ...kTicks]) assert.match(String(t), /^\d+$/, `tick ${t}`);
  assert.equal(await page.isVisible("#loss-chart"), false);
  assert.ok(await page.isVisible(".chart-empty >> nth=0"));
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  assert.ok(await page.isVisible("#loss-chart"));
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("each function class brings its own baselines and explanation; the text reads the chart", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=cpu&evalPrompts=256`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  const checked = () =>
    page.$$eval("input[data-baseline]:checked", (bs) => bs.map((b) => b.value).sort());
  assert.deepEqual(await checked(), ["averaging", "gd", "least_squares"]);
  for (const [task, expected, words] of [
    ["sparse_linear", ["lasso", "least_squares"], /Lasso/],
    ["decision_tree", ["knn", "tree"], /trees/],
    // the ReLU net baseline trains a network per prompt: drawn after the others, on the same prompts
    ["relu_net", ["averaging", "knn", "relu_net"], /ReLU networks/],
  ]) {
    await page.selectOption("select[name=task]", task);
    await page.waitForFunction(
      (t) =>
        document.body.dataset.state === "idle" &&
        document.body.dataset.checkpoint === t &&
        !document.body.dataset.evaluating,
      task,
      { timeout: 120_000 },
    );
    assert.deepEqual(await checked(), expected, task);
    assert.match(await page.textContent("#class-text"), words);
    if (task === "relu_net") {
      // the ReLU net computes in the background: the page is idle and every control that is
      // not the loaded model's own (locked) is live meanwhile
      const disabled = () =>
        page.$$eval("#controls input, #controls select", (els) =>
          els.filter((e) => e.disabled).map((e) => e.name),
        );
      assert.match(
        await page.evaluate(() => document.body.dataset.slowBaselines ?? ""),
        /computing|first look/,
      );
      const during = await disabled();
      await page.waitForFunction(() => document.body.dataset.slowBaselines === "done", null, {
        timeout: 180_000,
      });
      assert.deepEqual(during, await disabled());
      assert.ok(!during.includes("probe") && !during.includes("task"), String(during));
    }
    const curves = await data(page, "curves");
    for (const name of expected) assert.ok(curves[name], `${task}: ${name} drawn`);
    const reading = await page.textContent("#chart-reading");
    assert.match(
      reading,
      /^On this chart, with k = \d+ examples the model's error is \d\.\d\d/,
      reading,
    );
    // the sentence's verdict follows the numbers: the lowest is named, or the core says the
    // model and its nearest rival are within their bootstrap error of each other
    const k = Math.min(5, curves.model.length - 1);
    const ranked = Object.entries(curves)
      .filter(([n]) => n !== "zero")
      .sort((a, b) => a[1][k] - b[1][k]);
    const best = ranked[0][0];
    const rival = ranked.find(([n]) => n !== "model")[1][k];
    // a tie reads as a tie: equal to the two printed decimals is "level", never "lower"
    const level = Math.abs(curves.model[k] - rival) < 0.005;
    assert.match(
      reading,
      level
        ? /are level|cannot be told apart/
        : best === "model"
          ? /the model is the lowest|cannot be told apart|are level/
          : /is lower than the model|cannot be told apart|are level/,
      reading,
    );
  }
  // the class's baselines survive a reload (they are the URL's default for the class)
  await page.reload();
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
    null,
    { timeout: 120_000 },
  );
  assert.deepEqual(await checked(), ["averaging", "knn", "relu_net"]);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("compare: one step counter and speed per model, memory legends without '(in context)'", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}compare.html?device=cpu&steps=2&every=1&evalPrompts=64`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.cost,
  );
  assert.equal(await page.isVisible("#loss-chart"), false, "no empty loss chart before training");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 180_000,
  });
  const status = await page.textContent("#status");
  assert.match(
    status,
    /transformer: step 30,002, .* [\d.]+ steps\/s · xLSTM: step 24,002, .* [\d.]+ steps\/s/,
    status,
  );
  for (const id of ["state-chart", "work-chart", "loss-chart"]) {
    // biome-ignore lint/performance/useDomNodeTextContent: only what is shown counts
    const legend = await page.$eval(`#${id} .u-legend`, (l) => l.innerText);
    assert.doesNotMatch(legend, /in context/, `${id}: ${legend}`);
  }
  await screenshot(page, "compare-trained");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("share: friendly names in the hide list; a compact embed holds only the main chart", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=cpu`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  await page.click("#share");
  const names = await page.$$eval("dialog.share .hides label", (ls) =>
    ls.map((l) => l.textContent.trim()),
  );
  for (const n of names)
    assert.doesNotMatch(n, /[a-z][A-Z]/, `a camelCase name in the hide list: ${n}`);
  assert.ok(names.includes("Warmup steps"), names.join(", "));
  await page.check("dialog.share .compact-choice input");
  assert.match(await page.inputValue("#share-embed-with-an-iframe"), /compact=1/);
  assert.match(await page.inputValue("#share-embed-with-the-iclab-demo-element"), /compact="1"/);
  await page.click("dialog.share button:text('Close')");

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${browser.url}icl.html?device=cpu&embed=1&compact=1`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.evaluated,
  );
  assert.equal(await page.isVisible("#eval-chart"), true);
  for (const id of ["#prompt-chart", "#loss-chart", "#plateau-train"])
    assert.equal(await page.isVisible(id), false, id);
  assert.equal(await page.$eval("#settings", (d) => d.open), false);
  const height = await page.evaluate(
    () => document.querySelector("main").getBoundingClientRect().bottom + scrollY,
  );
  assert.ok(height < 760, `compact embed ${height} px tall`);
  await screenshot(page, "embed-compact");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("no chart cuts an axis label, on a desktop or a phone", async () => {
  const page = await browser.page();
  const ready = {
    "icl.html?device=cpu&evalPrompts=64": () =>
      document.body.dataset.state === "idle" && document.body.dataset.layersRecorded !== undefined,
    "compare.html?device=cpu&evalPrompts=64": () => document.body.dataset.state === "idle",
    "diversity.html?device=cpu&evalPrompts=64": () => document.body.dataset.state === "idle",
    "classify.html?device=cpu": () => document.body.dataset.state === "idle",
    "continual.html?device=cpu": () => document.body.dataset.ready === "true",
  };
  const cut = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [path, isReady] of Object.entries(ready)) {
      await page.goto(`${browser.url}${path}`);
      await page.waitForFunction(isReady, null, { timeout: 120_000 });
      // each chart reflects the labels it would cut (charts.ts's reflect)
      const found = await page.$$eval("[data-cut-labels]", (els) =>
        els.flatMap((e) => JSON.parse(e.dataset.cutLabels).map((l) => `${e.id}: ${l}`)),
      );
      cut.push(...found.map((f) => `${path.split("?")[0]} at ${width}: ${f}`));
    }
  }
  assert.deepEqual(cut, []);
  await page.close();
});

test("on a shipped model the first action trains a blank one, says so before, and a curve moves at once", async () => {
  const page = await browser.page();
  for (const [path, further, moved] of [
    [
      "icl.html?device=cpu&evalPrompts=64&every=5",
      "Train this model on",
      () => Number(document.body.dataset.evaluated) >= 5 && Number(document.body.dataset.step) >= 5,
    ],
    [
      "compare.html?device=cpu&evalPrompts=64&every=5",
      "Train both on",
      () => Number(document.body.dataset.stepTransformer) >= 5 && !!document.body.dataset.curves,
    ],
  ]) {
    const name = path.split(".html")[0];
    await page.goto(`${browser.url}${path}`);
    await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
      timeout: 120_000,
    });
    // before anything is pressed: the blank run is the primary action, Train says it trains
    // the shipped model on, and a line says what each will do
    assert.equal(await page.isVisible("#train-blank"), true, name);
    assert.match(await page.getAttribute("#train-blank", "class"), /primary/);
    assert.doesNotMatch((await page.getAttribute("#train", "class")) ?? "", /primary/);
    assert.equal((await page.textContent("#train")).trim(), further);
    const what = await page.textContent("#run-what");
    assert.match(what, /from scratch|blank/i, what);
    assert.match(what, /meta-trained for [\d,]+ .*steps already/, what);
    await screenshot(page, `${name}-blank-before`);
    await page.click("#train-blank");
    await page.waitForFunction(() => document.body.dataset.state === "running");
    assert.match(page.url(), /start=scratch/);
    // the first report (5 steps) already draws the blank model's training and evaluation
    await page.waitForFunction(moved, null, { timeout: 120_000 });
    await page.click("#pause");
    await page.waitForFunction(() => document.body.dataset.state === "paused", null, {
      timeout: 60_000,
    });
    await screenshot(page, `${name}-blank-after`);
    // a blank model is on the page now: one Train button again, primary
    assert.equal(await page.isVisible("#train-blank"), false, name);
    assert.equal(await page.isVisible("#run-what"), false, name);
    assert.match(await page.getAttribute("#train", "class"), /primary/);
  }
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
