// Saving and loading in the browser: the ICL page downloads its model as safetensors and loads
// it back (validated by the core, as the CLI does; a bad file leaves the current model alone);
// every demo exports what it shows as JSON and CSV.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

const ICL =
  "icl.html?start=scratch&dims=2&points=4&batchSize=8&evalPrompts=32&steps=6&every=3&device=cpu&seed=5";

async function saved(page, selector) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

const curves = (page) => page.evaluate(() => JSON.parse(document.body.dataset.curves));

test("the ICL model downloads as safetensors and loads back into another page with the same predictions", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}${ICL}`);
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  assert.equal(await page.isDisabled("#save-model"), true, "nothing to save before a model exists");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done");
  const trained = await curves(page);

  const model = await saved(page, "#save-model");
  assert.match(model.name, /^iclab-transformer-linear-.*\.safetensors$/);
  const headerLength = Number(model.bytes.readBigUInt64LE(0));
  const header = JSON.parse(model.bytes.subarray(8, 8 + headerLength).toString("utf8"));
  assert.ok(Object.keys(header).length > 5, "tensors and metadata in the header");
  assert.equal(header.__metadata__?.step, "6", JSON.stringify(header.__metadata__));

  const json = JSON.parse((await saved(page, "#export-json")).bytes.toString("utf8"));
  assert.equal(json.settings.seed, 5);
  assert.equal(json.step, 6);
  assert.equal(json.losses.length, 2);
  assert.deepEqual(json.evaluation.curves.model.mean, trained.model);
  const csv = (await saved(page, "#export-csv")).bytes.toString("utf8").trim().split("\n");
  assert.equal(csv[0], "series,name,x,value,lower,upper,normalized");
  assert.ok(csv.some((l) => l.startsWith("error_vs_k,model,0,")));
  assert.equal(csv.filter((l) => l.startsWith("training_loss,model,")).length, 2);

  // A truncated file is refused with the core's error; the trained model stays.
  await page.setInputFiles("#model-file", {
    name: "broken.safetensors",
    mimeType: "application/octet-stream",
    buffer: model.bytes.subarray(0, 200),
  });
  await page.waitForFunction(() =>
    /broken\.safetensors was not loaded/.test(document.getElementById("status").textContent),
  );
  assert.match(await page.textContent("#status"), /checkpoint/);
  assert.equal(await page.isDisabled("#save-model"), false, "the trained model is still there");
  assert.equal(await page.evaluate(() => document.body.dataset.step), "6");

  const other = await browser.page();
  await other.goto(`${browser.url}${ICL}`);
  await other.waitForFunction(() => document.body.dataset.state === "idle");
  await other.setInputFiles("#model-file", {
    name: "mine.safetensors",
    mimeType: "application/octet-stream",
    buffer: model.bytes,
  });
  await other.waitForFunction(
    () => document.body.dataset.checkpoint === "uploaded" && document.body.dataset.state === "idle",
  );
  assert.match(
    await other.textContent("#checkpoint-info"),
    /Loaded mine\.safetensors: .*trained for 6 steps/,
  );
  assert.deepEqual(
    (await curves(other)).model,
    trained.model,
    "same weights, same prompts, same errors",
  );
  assert.equal(await other.isDisabled("[name=dims]"), true, "a loaded model's shape is locked");
  // Training continues from the stored step.
  await other.click("#train");
  await other.waitForFunction(() => document.body.dataset.state === "done");
  assert.equal(await other.evaluate(() => document.body.dataset.step), "12");
  assert.deepEqual([...page.consoleErrors, ...other.consoleErrors], []);
  await page.close();
  await other.close();
});

test("the classifier downloads and loads back into another page: same accuracies, its settings in the panel, it trains on", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}classify.html?classes=64&steps=6&every=3&evalEvery=6&evalPrompts=64&device=cpu&seed=3`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.isDisabled("#save-model"), true, "no model yet");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  const trained = await page.evaluate(() => ({ ...document.body.dataset }));
  const file = await saved(page, "#save-model");
  assert.match(file.name, /^iclab-classifier-K64-B\d+.*\.safetensors$/);
  const other = await browser.page();
  await other.goto(
    `${browser.url}classify.html?steps=10&every=2&evalEvery=10&evalPrompts=64&device=cpu`,
  );
  await other.waitForFunction(() => document.body.dataset.ready === "true");
  // a file of another kind changes nothing
  await other.setInputFiles("#model-file", {
    name: "x.safetensors",
    mimeType: "application/octet-stream",
    buffer: file.bytes.subarray(0, 40),
  });
  await other.waitForFunction(() => document.body.dataset.modelError);
  assert.equal(await other.evaluate(() => document.body.dataset.state), "idle");
  await other.setInputFiles("#model-file", {
    name: file.name,
    mimeType: "application/octet-stream",
    buffer: file.bytes,
  });
  await other.waitForFunction(() => document.body.dataset.loaded);
  const loaded = await other.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(loaded.inContext, trained.inContext);
  assert.equal(loaded.inWeights, trained.inWeights);
  assert.equal(
    await other.inputValue("input[name=classes]"),
    "64",
    "the file's settings in the panel",
  );
  assert.match(await other.textContent("#status"), /trained 6 steps/);
  await other.click("#train");
  await other.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  assert.equal(
    await other.evaluate(() => document.body.dataset.step),
    "10",
    "trained on from step 6 to 10",
  );
  assert.deepEqual(other.consoleErrors, []);
  await other.close();
  await page.close();
});

test("the continual and compare pages export their results as JSON and CSV", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?classes=4&perClass=40&iterationsPerTask=10&every=5&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done");
  const json = JSON.parse((await saved(page, "#export-json")).bytes.toString("utf8"));
  assert.equal(json.a.strategy, "naive");
  assert.equal(json.b.strategy, "replay");
  assert.equal(json.a.accuracyMatrix.length, 2);
  assert.ok(json.b.metrics.averageAccuracy > 0);
  const csv = (await saved(page, "#export-csv")).bytes.toString("utf8").trim().split("\n");
  assert.equal(csv[0], "side,strategy,series,task,x,value");
  assert.equal(
    csv.filter((l) => l.startsWith("a,naive,accuracy_matrix,")).length,
    4,
    "2 segments × 2 tasks",
  );
  assert.ok(csv.some((l) => l.startsWith("b,replay,metric:averageAccuracy,")));
  assert.equal(
    csv.filter((l) => l.startsWith("a,naive,curve,0,")).length,
    json.a.iterations.length,
  );

  const compare = await browser.page();
  await compare.goto(
    `${browser.url}compare.html?start=scratch&dims=2&points=4&evalPrompts=32&steps=2&every=1&device=cpu`,
  );
  await compare.waitForFunction(() => document.body.dataset.state === "idle");
  await compare.click("#train");
  await compare.waitForFunction(() => document.body.dataset.state === "done");
  const cj = JSON.parse((await saved(compare, "#export-json")).bytes.toString("utf8"));
  assert.ok(cj.curves.transformer && cj.curves.xlstm, Object.keys(cj.curves).join());
  assert.equal(cj.losses.xlstm.length, 2);
  const ccsv = (await saved(compare, "#export-csv")).bytes.toString("utf8");
  assert.match(ccsv, /^series,name,x,value,lower,upper\n/);
  assert.match(ccsv, /\nerror_vs_k,xlstm,0,/);
  assert.deepEqual([...page.consoleErrors, ...compare.consoleErrors], []);
  await page.close();
  await compare.close();
});

/** The same safetensors file with every weight multiplied by `factor` (still finite in f32). */
function scaled(bytes, factor) {
  const out = Buffer.from(bytes);
  const n = Number(out.readBigUInt64LE(0));
  const header = JSON.parse(out.subarray(8, 8 + n).toString("utf8"));
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    for (let at = 8 + n + t.data_offsets[0]; at < 8 + n + t.data_offsets[1]; at += 4)
      out.writeFloatLE(out.readFloatLE(at) * factor, at);
  }
  return out;
}

test("a model that has blown up is caught: the page says so, plots nothing, and Reset recovers", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}${ICL}`);
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done");
  const model = await saved(page, "#save-model");
  const blown = scaled(model.bytes, 1e30);
  await page.setInputFiles("#model-file", {
    name: "blown.safetensors",
    mimeType: "application/octet-stream",
    buffer: blown,
  });
  await page.waitForFunction(() => document.body.dataset.state === "error");
  const status = await page.textContent("#status");
  assert.match(status, /diverged at step 6: the model's predictions became (-?inf|NaN)/, status);
  assert.match(status, /Reset/);
  assert.equal(
    await page.evaluate(() => document.body.dataset.curves),
    undefined,
    "no curves were drawn from it",
  );
  // Reset drops the file and starts from the page's settings, which train normally.
  await page.click("#reset");
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.curves,
  );
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done");
  assert.ok(Number.isFinite(Number(await page.evaluate(() => document.body.dataset.lastLoss))));
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
