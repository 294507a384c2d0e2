// Loss of plasticity: the recorded native run is the first picture (plain backprop's new-task
// accuracy falls, shrink and perturb's does not — the core's verdicts), and two learners train
// side by side in the page, task by task, with their plasticity measures.
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

test("the recorded run: plain backprop loses plasticity, shrink and perturb keeps it", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}plasticity.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const d = await data(page);
  assert.equal(d.tasksShown, "100");
  assert.equal(d.verdicts, "declined,not_seen");
  assert.match(await page.textContent("#verdict-a"), /lost plasticity/);
  assert.match(await page.textContent("#source"), /Recorded natively/);
  await screenshot(page, "plasticity");
  await page.close();
});

test("two learners train side by side in the page, task by task", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}plasticity.html?device=cpu&tasks=5&iterationsPerTask=5&every=10&compare=continual_backprop`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await page.textContent("#source"), /default settings/);
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 240_000,
  });
  const d = await data(page);
  assert.equal(d.state, "done", await page.textContent("#status"));
  assert.equal(d.tasksShown, "5");
  assert.match(await page.textContent("#verdict-b"), /Continual backprop: /);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
