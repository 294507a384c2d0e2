// The page in a browser without WebGPU: auto falls back to CPU, a forced webgpu fails cleanly.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, QUICK, screenshot, trainToEnd } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

test("auto falls back to CPU, says so, and trains", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?${QUICK}`);
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "cpu");
  assert.ok(run.reason.length > 10, `reason: ${run.reason}`);
  assert.ok(run.lastLoss < run.firstLoss, `loss ${run.firstLoss} -> ${run.lastLoss}`);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "trained-no-webgpu");
  await page.close();
});

test("forced webgpu reports device_unavailable and the page stays usable", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}icl.html?device=webgpu&${QUICK}`);
  await page.click("#train");
  await page.waitForFunction(
    () => document.getElementById("status").classList.contains("error"),
    null,
    { timeout: 60_000 },
  );
  // a sentence for the visitor; the code stays on the page for programs
  assert.match(await page.textContent("#status"), /WebGPU/);
  assert.doesNotMatch(await page.textContent("#status"), /device_unavailable/);
  assert.equal(await page.evaluate(() => document.body.dataset.errorCode), "device_unavailable");
  await page.selectOption("select[name=device]", "cpu");
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "cpu");
  await page.close();
});
