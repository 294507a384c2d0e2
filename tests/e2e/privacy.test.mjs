// Privacy and the Content-Security-Policy: no request may leave the site's origin on any page,
// while it loads and while it trains; the built site has no inline scripts, event-handler
// attributes or eval, and nothing on it trips its strict CSP (sent as a header by the server and
// as a <meta> tag for static hosts that cannot send headers).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../www/dist");
const PAGES = readdirSync(DIST).filter((f) => f.endsWith(".html"));

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

/** A page that records every request and every CSP violation. */
async function watched() {
  const page = await browser.page();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
  });
  return {
    page,
    requests,
    foreign: () =>
      requests.filter(
        (u) => !u.startsWith(browser.url) && !u.startsWith("data:") && !u.startsWith("blob:"),
      ),
    violations: () => page.evaluate(() => window.__violations),
  };
}

test("the built pages have no inline scripts, inline handlers or eval, and carry the CSP", () => {
  assert.ok(PAGES.length >= 6, `pages: ${PAGES}`);
  for (const file of PAGES) {
    const html = readFileSync(join(DIST, file), "utf8");
    for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(script[1], /\bsrc=/, `${file}: inline <script>`);
      assert.equal(script[2].trim(), "", `${file}: script with a body`);
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${file}: inline event handler`);
    assert.doesNotMatch(html, /javascript:/i, `${file}: javascript: URL`);
    assert.match(
      html,
      /http-equiv="Content-Security-Policy"[^>]*script-src 'self' 'wasm-unsafe-eval'/,
      `${file}: CSP meta`,
    );
  }
  const scripts = readdirSync(join(DIST, "assets"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => join(DIST, "assets", f));
  for (const file of [...scripts, join(DIST, "embed.js")]) {
    const code = readFileSync(file, "utf8");
    assert.doesNotMatch(code, /(^|[^\w.$])eval\(|new Function\(/, `${file}: eval`);
  }
});

test("no page requests anything from another origin or trips the CSP, while loading", async () => {
  for (const file of PAGES) {
    const w = await watched();
    await w.page.goto(`${browser.url}${file}`);
    await w.page.waitForLoadState("networkidle");
    assert.deepEqual(w.foreign(), [], `${file}: third-party requests`);
    assert.deepEqual(await w.violations(), [], `${file}: CSP violations`);
    assert.deepEqual(w.page.consoleErrors, [], `${file}: console errors`);
    await w.page.close();
  }
});

test("training on the demo pages stays on the origin and within the CSP", async () => {
  const runs = [
    [
      "icl.html?start=scratch&dims=2&points=4&batchSize=8&evalPrompts=32&steps=4&every=2&device=cpu",
      "step",
    ],
    ["continual.html?classes=4&perClass=40&iterationsPerTask=10&every=5&device=cpu", "results"],
    ["continual.html?dataset=digits&perClass=20&strategy=ncm&compare=none&device=cpu", "results"],
  ];
  for (const [path, key] of runs) {
    const w = await watched();
    await w.page.goto(`${browser.url}${path}`);
    await w.page.waitForFunction(
      () => ["idle", "error"].includes(document.body.dataset.state),
      null,
      { timeout: 120_000 },
    );
    await w.page.click("#train");
    await w.page.waitForFunction(
      () => ["done", "error"].includes(document.body.dataset.state),
      null,
      { timeout: 240_000 },
    );
    assert.equal(
      await w.page.evaluate(() => document.body.dataset.state),
      "done",
      await w.page.textContent("#status"),
    );
    assert.ok(await w.page.evaluate((k) => document.body.dataset[k], key), `${path}: ran`);
    assert.ok(
      w.requests.some((u) => u.endsWith(".wasm")),
      `${path}: the wasm came from the site`,
    );
    assert.deepEqual(w.foreign(), [], `${path}: third-party requests`);
    assert.deepEqual(await w.violations(), [], `${path}: CSP violations`);
    assert.deepEqual(w.page.consoleErrors, [], `${path}: console errors`);
    await w.page.close();
  }
});

test("the data a visitor brings never leaves the page: a loaded CSV, a pasted prompt", async () => {
  const w = await watched();
  const sent = [];
  w.page.on("request", (r) => sent.push({ url: r.url(), method: r.method(), body: r.postData() }));
  // a CSV whose labels would show if it were sent anywhere
  const rows = ["a,b,label"];
  for (let i = 0; i < 12; i++) rows.push(`${i % 2 ? 2.5 : -2.5},${0.1 * i},private-${i % 2}`);
  await w.page.goto(
    `${browser.url}continual.html?dataset=table&compare=none&classesPerTask=1&iterationsPerTask=5&every=5&device=cpu`,
  );
  await w.page.waitForFunction(() => document.body.dataset.ready === "true");
  await w.page.setInputFiles("#yours-file", {
    name: "mine.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(rows.join("\n")),
  });
  await w.page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.results,
  );
  await w.page.click("#train");
  await w.page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  assert.doesNotMatch(w.page.url(), /private/, "not in the URL either");
  await w.page.goto(`${browser.url}draw.html`);
  await w.page.waitForFunction(() => document.body.dataset.ready === "true");
  await w.page.fill("#paste-text", "1,0,0,0,0,4242.4242\n0,0,0,0,1");
  await w.page.click("#paste-answer");
  await w.page.waitForFunction(() => document.body.dataset.pasted === "1", null, {
    timeout: 60_000,
  });
  assert.deepEqual(
    sent.filter((r) => r.method !== "GET" || r.body),
    [],
    "only GETs without a body",
  );
  assert.deepEqual(
    sent.filter((r) => /private|4242/.test(decodeURIComponent(r.url))),
    [],
    "no request names the data",
  );
  assert.deepEqual(w.foreign(), []);
  assert.deepEqual(await w.violations(), []);
  assert.deepEqual(w.page.consoleErrors, []);
  await w.page.close();
});
