// The in-context regression demo: the shipped linear checkpoint, live training on WebGPU, URL state.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: true });
});
after(async () => {
  await browser?.close();
});

const curves = (page) => page.evaluate(() => JSON.parse(document.body.dataset.curves ?? "{}"));

test("the shipped linear model tracks least squares and keeps training on WebGPU", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}icl.html?device=webgpu&evalPrompts=512&steps=3&every=1&baselines=least_squares,averaging`,
  );
  await page.waitForFunction(
    () => document.body.dataset.checkpoint === "linear" && document.body.dataset.state === "idle",
    null,
    {
      timeout: 300_000,
    },
  );
  const before = await curves(page);
  const { model, least_squares: ls, averaging } = before;
  assert.ok(model && ls && averaging, `curves: ${Object.keys(before)}`);
  const d = Number(await page.inputValue("input[name=dims]"));
  const gaps = model.map((e, k) => Math.abs(e - ls[k]));
  console.log(`model ${model.map((e) => e.toFixed(3))}\nls    ${ls.map((e) => e.toFixed(3))}`);
  // crate/tests/shipped.rs holds the targets on 1,280 prompts; the page must show the same
  // model meeting them: near exact with 2d examples (0.05), within 0.1 of least squares at
  // every k, and far below averaging at k = d.
  assert.ok(model[2 * d] <= 0.05, `error at k = 2d: ${model[2 * d]}`);
  assert.ok(Math.max(...gaps) <= 0.1, `model vs least squares gaps ${gaps}`);
  assert.ok(model[d] < averaging[d], "beats averaging at k = d");
  // the shipped model is deeper than its preset, and the page says so
  assert.match(
    await page.textContent("#checkpoint-info"),
    /tiny transformer, 6 layers × 64 wide, paired tokens for linear.*meta-trained natively/,
  );
  const start = Number(await page.evaluate(() => document.body.dataset.evaluated));
  assert.ok(start > 0, `checkpoint step ${start}`);

  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 480_000,
  });
  const status = await page.textContent("#status");
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done", status);
  assert.equal(
    await page.evaluate(() => document.getElementById("device-badge").dataset.kind),
    "webgpu",
  );
  assert.equal(Number(await page.evaluate(() => document.body.dataset.step)), start + 3);
  assert.equal(
    Number(await page.evaluate(() => document.body.dataset.evaluated)),
    start + 3,
    "curves follow training",
  );
  const after = await curves(page);
  assert.deepEqual(after.least_squares, ls, "baselines are computed on the same prompts");
  assert.ok(
    Math.max(...after.model.map((e, k) => Math.abs(e - ls[k]))) < 0.25,
    "three more steps keep the model close",
  );
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "icl-linear-checkpoint");
  await page.close();
});

// Every probe picked from the menu re-evaluates, with the chart dimmed and the status saying so
// until the new curves are drawn; the zero estimator's curve is computed on the same prompts (9
// under inputs ×3, (d + σ²)/d with noisy outputs), not a constant 1.
test("each probe chosen from the menu re-evaluates the shipped model, with a visible evaluating state", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}icl.html?device=cpu&evalPrompts=256&baselines=least_squares,averaging`,
  );
  await page.waitForFunction(
    () => document.body.dataset.checkpoint === "linear" && document.body.dataset.state === "idle",
    null,
    {
      timeout: 300_000,
    },
  );
  let previous = await curves(page);
  assert.ok(
    previous.zero.every((e) => Math.abs(e - 1) < 0.2),
    `zero in distribution ${previous.zero}`,
  );
  const d = Number(await page.inputValue("input[name=dims]"));
  // the model settings show the loaded model's own config, and keep showing it after a probe change
  const panel = () =>
    page.$$eval("#controls [data-model]", (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute("name"), e.value])),
    );
  const loaded = await panel();
  assert.ok(Object.keys(loaded).length >= 5, JSON.stringify(loaded));
  for (const probe of ["skewed", "random_quadrants", "opposite_quadrants", "scaled", "noisy"]) {
    await page.selectOption("select[name=probe]", probe);
    assert.deepEqual(await panel(), loaded, `${probe}: the panel still shows the loaded model`);
    // set synchronously by the change: the old curves are shown dimmed while the new ones compute
    assert.equal(await page.evaluate(() => document.body.dataset.evaluating), "true", probe);
    assert.equal(
      await page.evaluate(() =>
        document.querySelector("#eval-chart").closest("figure").classList.contains("evaluating"),
      ),
      true,
    );
    assert.match(await page.textContent("#status"), /Evaluating 256 prompts/);
    await page.waitForFunction(
      (p) => document.body.dataset.evaluatedProbe === p && !document.body.dataset.evaluating,
      probe,
      { timeout: 120_000 },
    );
    const now = await curves(page);
    assert.notDeepEqual(now.model, previous.model, `${probe}: the model's curve changed`);
    assert.notDeepEqual(
      now.averaging,
      previous.averaging,
      `${probe}: the baselines' curves changed`,
    );
    assert.match(await page.textContent("#status"), /Evaluated on 256 prompts/);
    previous = now;
  }
  // noisy outputs (σ = 1): answering 0 scores (d + 1)/d
  const noisy = previous.zero.reduce((a, b) => a + b) / previous.zero.length;
  assert.ok(Math.abs(noisy - (d + 1) / d) < 0.1, `zero under noise ${noisy}`);
  await page.selectOption("select[name=probe]", "scaled");
  await page.selectOption("select[name=probeScale]", "3");
  await page.waitForFunction(
    () => document.body.dataset.evaluatedProbe === "scaled" && !document.body.dataset.evaluating,
    null,
    { timeout: 120_000 },
  );
  await page.waitForFunction(() => JSON.parse(document.body.dataset.curves).zero[0] > 5, null, {
    timeout: 120_000,
  });
  const scaled = await curves(page);
  const zero = scaled.zero.reduce((a, b) => a + b) / scaled.zero.length;
  assert.ok(Math.abs(zero - 9) < 1.5, `zero under inputs ×3: ${zero}`);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "icl-probe-scaled-3");
  await page.close();
});

// "Inside the model" (docs/SCIENCE.md §6): the shipped linear and ill-conditioned models come with
// their recorded layer analysis; the button runs it live on the model on screen.
test("inside the model: recorded layer analyses of the shipped models, and a live one", async () => {
  const page = await browser.page();
  const layers = () => page.evaluate(() => JSON.parse(document.body.dataset.layers ?? "null"));
  // ill-conditioned is the tiny preset (3 blocks); the shipped linear model is 6 blocks deep
  const blocks = { ill_conditioned: 3, linear: 6 };
  for (const task of ["ill_conditioned", "linear"]) {
    await page.goto(`${browser.url}icl.html?device=cpu&evalPrompts=128&task=${task}`);
    await page.waitForFunction(
      (t) =>
        document.body.dataset.checkpoint === t &&
        document.body.dataset.state === "idle" &&
        document.body.dataset.layersRecorded,
      task,
      {
        timeout: 120_000,
      },
    );
    const recorded = await layers();
    assert.equal(
      recorded.length,
      blocks[task] + 1,
      `${task}: the read-in and ${blocks[task]} blocks`,
    );
    const [first, last] = [recorded[0], recorded.at(-1)];
    // the trained stack predicts, the read-in does not; its nearest Newton iterate grows with depth
    assert.ok(
      last.probe.at(-1) < 0.1 && first.probe.at(-1) > 0.5,
      `${task}: ${JSON.stringify([first.probe, last.probe])}`,
    );
    assert.ok(
      last.newton.steps > first.newton.steps && last.gd.steps > first.gd.steps,
      JSON.stringify(recorded),
    );
    // the shipped models' layers sit no nearer either method than the two are to each other: the
    // core's verdict, shown as it is (docs/SCIENCE.md §6)
    assert.ok(
      recorded.slice(1).every((l) => l.resembles === "cannot_tell"),
      JSON.stringify(recorded.map((l) => l.resembles)),
    );
    assert.equal(await page.locator("#layers-table tbody tr").count(), blocks[task] + 1);
    const status = await page.textContent("#layers-status");
    assert.match(status, /Recorded natively/);
    assert.match(status, /cannot be told apart at (any layer|layer 1–\d)/);
  }
  await page.click("#layers-run");
  await page.waitForFunction(
    () => document.body.dataset.layers && !document.body.dataset.layersRecorded,
    null,
    { timeout: 120_000 },
  );
  const live = await layers();
  assert.equal(live.length, blocks.linear + 1);
  assert.ok(live.at(-1).probe.at(-1) < 0.1, JSON.stringify(live.at(-1)));
  assert.match(
    await page.textContent("#layers-status"),
    /^Step 24,000, \d+ test prompts, probes fitted on \d+ others\. By prediction distance: /,
  );
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "icl-layers");
  await page.close();
});

test("every setting round-trips through the URL", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?start=scratch&evalPrompts=64`);
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  await page.selectOption("select[name=task]", "sparse_linear");
  // the from-scratch model: 6 layers × 32, 2 heads, ReLU MLPs; a size fills the three numbers
  const shape = async () =>
    Promise.all(
      ["layers", "dModel", "heads", "activation"].map((n) => page.inputValue(`[name=${n}]`)),
    );
  assert.deepEqual(await shape(), ["6", "32", "2", "relu"]);
  await page.selectOption("select[name=preset]", "small");
  assert.deepEqual(await shape(), ["6", "128", "4", "relu"]);
  await page.selectOption("select[name=preset]", "tiny");
  assert.deepEqual(await shape(), ["3", "64", "2", "relu"]);
  await page.selectOption("select[name=activation]", "gelu_tanh");
  await page.selectOption("select[name=model]", "xlstm");
  await page.fill("input[name=sparsity]", "2");
  await page.press("input[name=sparsity]", "Tab");
  await page.fill("input[name=dims]", "6");
  await page.press("input[name=dims]", "Tab");
  await page.fill("input[name=layers]", "2");
  await page.press("input[name=layers]", "Tab");
  await page.selectOption("select[name=probe]", "scaled");
  await page.selectOption("select[name=probeScale]", "3");
  // the class brought its own baselines (least squares and Lasso); one more is the visitor's choice
  assert.equal(await page.isChecked("input[data-baseline=lasso]"), true);
  assert.equal(await page.isChecked("input[data-baseline=gd]"), false);
  await page.check("input[data-baseline=averaging]");
  await page.fill("input[name=seed]", "42");
  await page.press("input[name=seed]", "Tab");
  await page.click("#next-prompt");
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  const search = await page.evaluate(() => location.search);
  const params = Object.fromEntries(new URLSearchParams(search));
  assert.deepEqual(params, {
    start: "scratch",
    task: "sparse_linear",
    model: "xlstm",
    sparsity: "2",
    dims: "6",
    layers: "2",
    dModel: "64",
    activation: "gelu_tanh",
    seed: "42",
    baselines: "least_squares,averaging,lasso",
    probe: "scaled",
    probeScale: "3",
    evalPrompts: "64",
    prompt: "1",
  });
  const curvesA = await curves(page);
  assert.ok(
    curvesA.lasso && curvesA.averaging && !curvesA.knn,
    "the curves follow the chosen baselines",
  );

  const again = await browser.page();
  await again.goto(`${browser.url}icl.html${search}&bogus=1&dims=abc`);
  await again.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  for (const [name, value] of Object.entries({
    task: "sparse_linear",
    model: "xlstm",
    sparsity: "2",
    dims: "6",
    layers: "2",
    dModel: "64",
    activation: "gelu_tanh",
    seed: "42",
    probe: "scaled",
    probeScale: "3",
  })) {
    assert.equal(await again.inputValue(`[name=${name}]`), value, name);
  }
  assert.equal(await again.isChecked("input[data-baseline=lasso]"), true);
  assert.equal(await again.isChecked("input[data-baseline=averaging]"), true);
  assert.equal(await again.isChecked("input[data-baseline=knn]"), false);
  assert.deepEqual(await curves(again), curvesA, "same link, same prompts, same baseline curves");
  assert.match(await again.textContent("#status"), /bogus.*ignored|ignored.*bogus/s);
  await screenshot(again, "icl-url-state");
  // a baselines value that is ignored leaves the class's own list, not another class's
  await again.goto(
    `${browser.url}icl.html?task=sparse_linear&start=scratch&evalPrompts=64&baselines=bogus`,
  );
  await again.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
    null,
    { timeout: 120_000 },
  );
  assert.equal(await again.isChecked("input[data-baseline=lasso]"), true, "sparse linear's Lasso");
  assert.equal(
    await again.isChecked("input[data-baseline=averaging]"),
    false,
    "not linear's averaging",
  );
  assert.match(await again.textContent("#status"), /baselines=bogus.*ignored/s);
  assert.deepEqual([...page.consoleErrors, ...again.consoleErrors], []);
  await page.close();
  await again.close();
});

// From scratch: the page's defaults (paired tokens) train a blank model and say how far it is
// from the in-context target; "Plateau or not" trains both layouts side by side. A few steps on
// each device (SwiftShader takes seconds per step).
for (const [device, steps] of [
  ["cpu", 20],
  ["webgpu", 2],
]) {
  test(`from scratch and plateau-or-not train on ${device}`, async () => {
    const page = await browser.page();
    await page.goto(
      `${browser.url}icl.html?start=scratch&device=${device}&steps=${steps}&every=${steps}&evalPrompts=64&plateauSteps=${steps / 2}`,
    );
    await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
      timeout: 300_000,
    });
    assert.equal(await page.inputValue("select[name=tokens]"), "paired");
    assert.match(await page.textContent("#status"), /learns in context within a thousand steps/);
    await page.click("#train");
    await page.waitForFunction(
      () => ["done", "error"].includes(document.body.dataset.state),
      null,
      { timeout: 480_000 },
    );
    const status = await page.textContent("#status");
    assert.equal(await page.evaluate(() => document.body.dataset.state), "done", status);
    assert.equal(Number(await page.evaluate(() => document.body.dataset.step)), steps);
    // short of the target when the budget ends: said plainly, with how to go on
    assert.match(
      status,
      new RegExp(
        `Done at step ${steps}: not at the target yet — the error with 10 examples is \\d\\.\\d\\d, above 0\\.1\\. To train on, raise Steps \\(now ${steps}\\) and press Train\\.$`,
      ),
    );
    assert.equal(await page.getAttribute("#train", "title"), "Raise Steps to train on");
    assert.equal(
      await page.evaluate(() => document.getElementById("device-badge").dataset.kind),
      device,
    );
    // inside the model trained here, on its own device
    await page.click("#layers-run");
    await page.waitForFunction((n) => document.body.dataset.layersStep === String(n), steps, {
      timeout: 240_000,
    });
    assert.equal(
      (await page.evaluate(() => JSON.parse(document.body.dataset.layers))).length,
      7,
      "the read-in and the from-scratch default's 6 blocks",
    );

    await page.click("#plateau-train");
    await page.waitForFunction(
      (n) =>
        JSON.parse(document.body.dataset.plateau ?? "{}").step === n &&
        document.getElementById("plateau-stop").disabled,
      steps / 2,
      { timeout: 480_000 },
    );
    const plateau = await page.evaluate(() => JSON.parse(document.body.dataset.plateau));
    for (const layout of ["paired", "interleaved"]) {
      assert.ok(
        Number.isFinite(plateau[layout].loss) && Number.isFinite(plateau[layout].error),
        JSON.stringify(plateau),
      );
    }
    assert.match(await page.textContent("#plateau-status"), /paired: .* · interleaved: .*done$/);
    assert.equal(await page.isDisabled("#train"), true, "the finished main run stays done");
    assert.equal(await page.isDisabled("#plateau-train"), false);
    assert.deepEqual(page.consoleErrors, []);
    await screenshot(page, `icl-scratch-${device}`);
    await page.close();
  });
}
