// Markov chains in context: the recorded native run is the first picture (uniform → unigram →
// bigram, as the core decided them, with the attention of both layers), and a blank model trains
// in the page with its KL divergences and stage evaluated as it goes.
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

const data = (page) => page.evaluate(() => ({ ...document.body.dataset }));

test("the recorded run passes uniform → unigram → bigram, with an induction head", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}markov.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const d = await data(page);
  assert.equal(d.stages, "uniform,unigram,bigram");
  assert.match(await page.textContent("#stage"), /predicts like the bigram/);
  assert.match(await page.textContent("#source"), /Recorded natively/);
  assert.match(await page.textContent("#attention"), /induction score 0\.[6-9]/);
  // the test sequence traced position by position: one column per prediction (T − 1 = 63)
  assert.equal(await page.locator("#trace .markov-step").count(), 63);
  assert.match(await page.textContent("#trace"), /the model gave the state that came next \d+%/);
  // the shipped comparison of the three networks
  await page.waitForSelector("#backbones tbody tr");
  assert.deepEqual(
    await page.$$eval("#backbones tbody tr", (rows) => rows.map((r) => r.dataset.backbone)),
    ["attention_only", "transformer", "xlstm"],
  );
  await screenshot(page, "markov");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("a blank model trains in the page, evaluated as it goes", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}markov.html?steps=40&every=20&device=cpu`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  const d = await data(page);
  assert.equal(d.state, "done", await page.textContent("#status"));
  assert.equal(d.evaluations, "3", "before training, at 20 and at 40");
  assert.match(await page.textContent("#stage"), /^At step 40: /);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("an xLSTM trains too: no attention to draw, the trace and the stage still come", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}markov.html?network=xlstm&steps=10&every=10&device=cpu`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.inputValue("select[name=network]"), "xlstm");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal((await data(page)).state, "done", await page.textContent("#status"));
  assert.match(await page.textContent("#attention"), /no attention to show/);
  assert.equal(await page.locator("#trace .markov-step").count(), 63);
  assert.match(await page.textContent("#stage"), /^At step 10: /);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
