// The page stays responsive while it trains: all training runs in the worker, so the main
// thread only draws. Chromium's Long Tasks API reports every main-thread task over 50 ms; this
// test records them during a run on each demo and prints the figures. A page that trained on the
// main thread would block for seconds at a time (one `advance` or `train` call), far above the
// bound here.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

/** Longest main-thread task allowed while training (ms): under two frames' worth of jank budget. */
const LONGEST = 200;

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

async function measure(path, ready) {
  const page = await browser.page();
  await page.goto(`${browser.url}${path}`);
  await page.waitForFunction(ready, null, { timeout: 120_000 });
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) =>
      window.__long.push(...list.getEntries().map((e) => e.duration)),
    ).observe({ type: "longtask" });
  });
  // The instrument works: a deliberate 120 ms task on the main thread is seen.
  await page.evaluate(() =>
    setTimeout(() => {
      const t = performance.now();
      while (performance.now() - t < 120);
    }, 0),
  );
  await page.waitForFunction(() => window.__long.some((d) => d >= 100));
  await page.evaluate(() => (window.__long = []));
  const started = Date.now();
  await page.click("#train");
  // Poke the page while it trains, as a visitor would, and time how long the answer takes.
  const delays = [];
  while (!(await page.evaluate(() => ["done", "error"].includes(document.body.dataset.state)))) {
    const t = Date.now();
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok())));
    delays.push(Date.now() - t);
    await page.waitForTimeout(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const long = await page.evaluate(() => window.__long);
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  const max = Math.max(0, ...long);
  const frame = Math.max(...delays);
  console.log(
    `${path.split("?")[0]}: ${seconds.toFixed(1)} s of training, ${long.length} long tasks (longest ${max.toFixed(0)} ms, ` +
      `${long.reduce((a, b) => a + b, 0).toFixed(0)} ms in all); next frame within ${frame} ms of ${delays.length} pokes`,
  );
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
  return { max, frame, seconds };
}

test("the continual page stays responsive while two learners train (per-step evaluation)", async () => {
  const { max, seconds } = await measure(
    "continual.html?iterationsPerTask=150&device=cpu&strategy=ewc&compare=replay",
    () => document.body.dataset.ready === "true",
  );
  assert.ok(seconds > 2, "long enough to measure");
  assert.ok(max < LONGEST, `longest main-thread task ${max} ms`);
});

test("the in-context page stays responsive while it trains and evaluates", async () => {
  const { max, seconds } = await measure(
    "icl.html?start=scratch&dims=3&points=7&batchSize=16&evalPrompts=256&steps=200&every=5&device=cpu",
    () => document.body.dataset.state === "idle",
  );
  assert.ok(seconds > 2, "long enough to measure");
  assert.ok(max < LONGEST, `longest main-thread task ${max} ms`);
});
