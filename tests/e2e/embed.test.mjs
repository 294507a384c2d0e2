// Embeds and shareable state: <iclab-demo> in a course page on another origin, ?embed=1 and
// <setting>_hide=1, the Share / embed dialog (its link reproduces the page), and the teachers
// page's ready-made embeds and parameter reference.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { serve } from "../../scripts/serve.mjs";
import { open, screenshot } from "./helpers.mjs";

let browser;
let host;
let hostDir;
before(async () => {
  browser = await open({ webgpu: false });
  hostDir = mkdtempSync(join(tmpdir(), "iclab-host-"));
  host = await serve(hostDir, { port: 0, csp: false });
});
after(async () => {
  host?.server.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  await browser?.close();
});

/** A course page on another origin (another port) with `body` after the embed script. */
async function coursePage(name, body) {
  writeFileSync(
    join(hostDir, name),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course</title><link rel="icon" href="data:,">` +
      `<script type="module" src="${browser.url}embed.js"></script></head><body><h1>Week 3</h1>${body}</body></html>`,
  );
  const page = await browser.page();
  await page.goto(`${host.url}${name}`);
  return page;
}

test("<iclab-demo> on another origin runs the demo with its settings, hidden controls and height", async () => {
  const page = await coursePage(
    "course.html",
    `<iclab-demo kind="continual" strategy="ncm" compare="none" classes="4" perclass="40" iterations-per-task="10" device="cpu" seed="3" hide="seed,device,evalEvery"></iclab-demo>`,
  );
  const frameEl = await page.waitForSelector("iclab-demo >> iframe");
  const src = await frameEl.getAttribute("src");
  const url = new URL(src);
  assert.equal(url.origin, new URL(browser.url).origin, "the demo comes from the iclab site");
  assert.equal(url.pathname, "/continual.html");
  const params = Object.fromEntries(url.searchParams);
  assert.deepEqual(params, {
    strategy: "ncm",
    compare: "none",
    classes: "4",
    perClass: "40",
    iterationsPerTask: "10",
    device: "cpu",
    seed: "3",
    seed_hide: "1",
    device_hide: "1",
    evalEvery_hide: "1",
    embed: "1",
  });
  const frame = await frameEl.contentFrame();
  await frame.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await frame.inputValue("[name=classes]"), "4");
  assert.equal(await frame.inputValue("[name=perClass]"), "40");
  assert.equal(await frame.isVisible("[name=seed]"), false, "seed is hidden");
  assert.equal(await frame.isVisible("[name=device]"), false, "device is hidden");
  assert.equal(await frame.isVisible("[name=classes]"), true);
  assert.equal(await frame.isVisible("nav.pages"), false, "no site navigation in an embed");
  assert.equal(await frame.isVisible("a.open-full"), true, "a link to the full page");
  // the full page opens whole: this embed's settings, none of its chrome
  const full = new URL(await frame.getAttribute("a.open-full", "href"));
  assert.equal(full.searchParams.get("classes"), "4");
  assert.equal(full.searchParams.get("seed"), "3");
  for (const key of full.searchParams.keys())
    assert.ok(key !== "embed" && key !== "compact" && !key.endsWith("_hide"), `${key} stays out`);
  assert.match(
    await frame.textContent("#status"),
    /^The stream is built\. .*Press Train to run the stream with both learners\.$/,
    "no URL problems",
  );
  await frame.click("#train");
  await frame.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  // The element follows the page's height (default 760 px until the page reports).
  await page.waitForFunction(() => {
    const f = document.querySelector("iclab-demo").shadowRoot.querySelector("iframe");
    return f.style.height !== "760px";
  });
  const height = await page.evaluate(
    () =>
      document
        .querySelector("iclab-demo")
        .shadowRoot.querySelector("iframe")
        .getBoundingClientRect().height,
  );
  assert.ok(height > 300, `frame height ${height}`);
  await screenshot(page, "embed-course-page");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("<iclab-demo> with an unknown kind says so; bad attribute values are reported inside the demo", async () => {
  const page = await coursePage(
    "bad.html",
    `<iclab-demo kind="chess"></iclab-demo><iclab-demo kind="icl" dims="many" start="scratch" evalprompts="32"></iclab-demo>`,
  );
  const alert = await page.waitForSelector("iclab-demo >> [role=alert]");
  assert.match(
    await alert.textContent(),
    /unknown kind "chess".*icl, compare, draw, diversity, classify, continual, federated, plasticity/,
  );
  const frame = await (await page.waitForSelector("iclab-demo[kind=icl] >> iframe")).contentFrame();
  await frame.waitForFunction(
    () =>
      document.body.dataset.state === "idle" &&
      /dims=many/.test(document.getElementById("status").textContent),
    null,
    {
      timeout: 120_000,
    },
  );
  assert.equal(await frame.inputValue("[name=dims]"), "5", "the default stands");
  await page.close();
});

test("Share / embed: the link reproduces the page, hidden controls included; the snippets match it", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}continual.html?classes=4&seed=7&strategy=ewc&ewcLambda=50`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#share");
  const dialog = page.locator("dialog.share");
  assert.equal(await dialog.isVisible(), true);
  await dialog.locator('.hides input[value="seed"]').check();
  await dialog.locator('.hides input[value="device"]').check();
  const link = await dialog.locator("#share-link").inputValue();
  const element = await dialog.locator("#share-embed-with-the-iclab-demo-element").inputValue();
  const iframe = await dialog.locator("#share-embed-with-an-iframe").inputValue();
  const params = Object.fromEntries(new URL(link).searchParams);
  assert.deepEqual(params, {
    classes: "4",
    strategy: "ewc",
    ewcLambda: "50",
    seed: "7",
    device_hide: "1",
    seed_hide: "1",
  });
  assert.match(element, new RegExp(`<script type="module" src="${browser.url}embed.js"></script>`));
  assert.match(
    element,
    /<iclab-demo kind="continual" classes="4" strategy="ewc" ewcLambda="50" seed="7" hide="device,seed"><\/iclab-demo>/,
  );
  assert.match(
    iframe,
    /continual\.html\?classes=4&amp;strategy=ewc&amp;ewcLambda=50&amp;seed=7&amp;embed=1&amp;device_hide=1&amp;seed_hide=1"/,
  );
  await screenshot(page, "share-dialog");
  await page.keyboard.press("Escape");
  assert.equal(await dialog.isVisible(), false, "Escape closes the dialog");

  const shared = await browser.page();
  await shared.goto(link);
  await shared.waitForFunction(() => document.body.dataset.ready === "true");
  for (const [name, value] of Object.entries({
    classes: "4",
    seed: "7",
    strategy: "ewc",
    ewcLambda: "50",
  })) {
    assert.equal(await shared.inputValue(`[name=${name}]`), value, name);
  }
  assert.equal(await shared.isVisible("[name=seed]"), false);
  assert.equal(await shared.isVisible("[name=device]"), false);
  // Changing a setting keeps the hidden controls hidden in the URL.
  await shared.selectOption("[name=strategy]", "l2");
  assert.match(shared.url(), /strategy=l2/);
  assert.match(shared.url(), /seed_hide=1/);
  assert.deepEqual([...page.consoleErrors, ...shared.consoleErrors], []);
  await page.close();
  await shared.close();
});

test("malformed chrome parameters are reported and ignored", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}continual.html?embed=maybe&seed_hide=yes&nothing_hide=1`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const status = await page.textContent("#status");
  assert.match(status, /embed=maybe/);
  assert.match(status, /seed_hide=yes/);
  assert.match(status, /nothing_hide/);
  assert.equal(await page.isVisible("[name=seed]"), true);
  assert.equal(await page.isVisible("nav.pages"), true);
  await page.close();
});

test("the teachers page lists every parameter of every demo and previews its embeds", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}teachers.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const documented = await page.$$eval("table.params tbody th code", (cells) =>
    cells.map((c) => c.textContent),
  );
  // Every setting the demo pages' forms have is documented.
  for (const [file, extra] of [
    ["icl.html", ["baselines", "prompt"]],
    ["compare.html", []],
    ["continual.html", []],
    ["diversity.html", []],
    ["classify.html", []],
  ]) {
    const demo = await browser.page();
    await demo.goto(`${browser.url}${file}`);
    const names = await demo.$$eval("#controls [name]", (els) =>
      els.map((e) => e.getAttribute("name")).filter((n) => n !== "forget"),
    );
    for (const name of [...names, ...extra])
      assert.ok(documented.includes(name), `${file}: ${name} is documented`);
    await demo.close();
  }
  // the element on another origin needs CORS for embed.js: the page says so, and this server sends it
  assert.match(await page.textContent("#cors-note"), /Access-Control-Allow-Origin: \*/);
  const embedJs = await fetch(`${browser.url}embed.js`, {
    headers: { origin: "https://course.example" },
  });
  assert.equal(embedJs.headers.get("access-control-allow-origin"), "*");
  const lessons = await page.locator(".lesson").count();
  assert.ok(lessons >= 6, `${lessons} lessons`);
  await page.locator(".lesson").nth(6).getByRole("button", { name: "Preview here" }).click();
  const frame = await (
    await page.waitForSelector(".lesson >> nth=6 >> iclab-demo >> iframe")
  ).contentFrame();
  await frame.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await frame.inputValue("[name=strategy]"), "naive");
  assert.equal(await frame.isVisible("[name=device]"), false);
  assert.deepEqual(page.consoleErrors, []);
  await screenshot(page, "teachers");
  await page.close();
});

test("links shared when the in-context demo was index.html still open it with their settings", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}index.html?task=relu_net&start=scratch&evalPrompts=32`);
  await page.waitForURL(/icl\.html\?task=relu_net&start=scratch&evalPrompts=32$/);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
    timeout: 120_000,
  });
  assert.equal(await page.inputValue("[name=task]"), "relu_net");
  await page.goto(`${browser.url}`);
  await page.waitForFunction(() => document.body.dataset.figure === "drawn");
  assert.match(await page.textContent("#icl-figure-caption"), /meta-trained for [\d,]+ steps/);
  await page.close();
});
