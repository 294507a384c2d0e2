// The page in a browser that exposes a software WebGPU adapter (SwiftShader).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open, QUICK, screenshot, trainToEnd } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: true });
});
after(async () => {
  await browser?.close();
});

test("forced webgpu trains on the SwiftShader adapter and the loss falls", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}?device=webgpu&evalPrompts=64&${QUICK}`);
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "webgpu");
  assert.equal(run.step, 12);
  assert.ok(run.lastLoss < run.firstLoss, `loss ${run.firstLoss} -> ${run.lastLoss}`);
  assert.match(await page.textContent("#device-badge"), /WebGPU/);
  assert.deepEqual(page.consoleErrors, []);
  await page.click("#evaluate");
  await page.waitForFunction(() => document.body.dataset.evaluated, null, { timeout: 480_000 });
  const path = await screenshot(page, "trained-webgpu");
  console.log(`screenshot: ${path}`);
  await page.close();
});

test("auto picks the CPU over a software adapter and says why", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}?${QUICK}`);
  const run = await trainToEnd(page);
  assert.equal(run.state, "done", run.status);
  assert.equal(run.kind, "cpu");
  assert.match(run.reason, /software/);
  assert.ok(run.lastLoss < run.firstLoss, `loss ${run.firstLoss} -> ${run.lastLoss}`);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "trained-auto");
  await page.close();
});
