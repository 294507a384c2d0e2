// Offline and installable: after one visit the service worker has the whole lab in the cache,
// so with the network gone (the browser context's offline mode) every page reloads and trains;
// a new build is a new worker that replaces the cached lab and deletes the old copy.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeServiceWorker } from "../../scripts/offline.mjs";
import { ARTIFACTS, open } from "./helpers.mjs";

const DIST = join(ARTIFACTS, "../../www/dist");
const PAGES = readdirSync(DIST).filter((f) => f.endsWith(".html"));
const opened = [];
after(async () => {
  for (const b of opened) await b?.close();
});

/** Waits until the page's service worker is active with its whole cache; its cache names. */
async function cached(page) {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return caches.keys();
  });
}

async function settled(page, file) {
  await page.waitForFunction(
    (file) =>
      file === "index.html"
        ? document.body.dataset.figure === "drawn"
        : document.body.dataset.ready === "true" ||
          ["idle", "done"].includes(document.body.dataset.state ?? ""),
    file,
    { timeout: 120_000 },
  );
}

test("after one visit every page reloads and trains with no network", async () => {
  const browser = await open({ webgpu: false, offline: true });
  opened.push(browser);
  const page = await browser.page();
  await page.goto(`${browser.url}index.html`);
  const names = await cached(page);
  assert.equal(names.length, 1, names.join(", "));
  // the manifest makes the lab installable
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]');
    return (await fetch(link.href)).json();
  });
  assert.equal(manifest.short_name, "iclab");
  assert.ok(manifest.icons.some((i) => i.sizes === "512x512"));

  await browser.context.setOffline(true);
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  for (const file of PAGES) {
    // (the landing page forwards a demo's settings to the demo: it gets none)
    await page.goto(`${browser.url}${file}${file === "index.html" ? "" : "?device=cpu"}`);
    await settled(page, file);
    assert.doesNotMatch(await page.title(), /not found/i, file);
  }
  // training needs the wasm, the worker and (for digits) the data, all from the cache
  await page.goto(
    `${browser.url}continual.html?dataset=digits&perClass=20&iterationsPerTask=5&every=5&compare=none&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal(
    await page.evaluate(() => document.body.dataset.state),
    "done",
    await page.textContent("#status"),
  );
  await page.goto(
    `${browser.url}icl.html?start=scratch&dims=2&points=4&batchSize=8&evalPrompts=32&steps=4&every=2&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
    timeout: 60_000,
  });
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done");
  assert.deepEqual(
    page.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)),
    [],
  );
  await browser.context.setOffline(false);
  await page.close();
});

test("a new build replaces the cached lab and deletes the old copy", async () => {
  const dir = mkdtempSync(join(tmpdir(), "iclab-site-"));
  cpSync(DIST, dir, { recursive: true });
  try {
    const browser = await open({ webgpu: false, offline: true, dir });
    opened.push(browser);
    const page = await browser.page();
    await page.goto(`${browser.url}index.html`);
    const [first] = await cached(page);
    // a new deploy: the landing page changes, so does the worker
    const index = join(dir, "index.html");
    writeFileSync(
      index,
      readFileSync(index, "utf8").replace(
        "</head>",
        '<meta name="iclab-build" content="second" /></head>',
      ),
    );
    rmSync(`${index}.br`, { force: true });
    rmSync(`${index}.gz`, { force: true });
    writeServiceWorker(dir);
    await page.reload();
    // the reload finds the new worker; it caches the new build, takes over, deletes the old
    let names = [first];
    for (let i = 0; i < 240 && !(names.length === 1 && names[0] !== first); i++) {
      await page.waitForTimeout(250);
      names = await page.evaluate(() => caches.keys());
    }
    assert.equal(names.length, 1, names.join(", "));
    assert.notEqual(names[0], first, "a new cache for the new build");
    await browser.context.setOffline(true);
    await page.reload();
    assert.equal(
      await page.evaluate(() => document.querySelector('meta[name="iclab-build"]')?.content),
      "second",
      "the new landing page, from the new cache",
    );
    await browser.context.setOffline(false);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
