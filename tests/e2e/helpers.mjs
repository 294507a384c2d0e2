// Shared set-up for the end-to-end tests: Debian Chromium via playwright-core, a loopback
// server for the built site, console-error collection and screenshots.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "tests/artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const BASE_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/**
 * Starts the site server and a browser; `webgpu` adds --enable-unsafe-webgpu (SwiftShader).
 * `bypassCSP` is for the benchmark only: TF.js's bundle evaluates strings, which the site's CSP
 * forbids. The site's service worker (offline copy, www/src/offline/sw.js) is blocked unless
 * `offline`: caching the whole lab in the background on every test's first page would compete
 * with the page under test; offline.test.mjs checks it. `dir` serves another copy of the site.
 */
export async function open({
  webgpu,
  bypassCSP = false,
  offline = false,
  dir = join(ROOT, "www/dist"),
}) {
  const { server, url } = await serve(dir, { port: 0 });
  const profile = mkdtempSync(join(tmpdir(), "iclab-chromium-"));
  const args = webgpu ? [...BASE_ARGS, "--enable-unsafe-webgpu"] : [...BASE_ARGS, "--disable-gpu"];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1200, height: 900 },
    bypassCSP,
    serviceWorkers: offline ? "allow" : "block",
  });
  return {
    url,
    context,
    /** A page on the API sandbox (www/api.html), with the package ready as `window.iclab`. */
    async apiPage() {
      const page = await this.page();
      await page.goto(`${url}api.html`);
      await page.waitForFunction(() => document.body.dataset.ready === "true");
      return page;
    },
    async page() {
      const page = await context.newPage();
      const errors = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      page.consoleErrors = errors;
      return page;
    },
    async close() {
      await context.close();
      server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Settings small enough for SwiftShader (~0.35 s per step) yet able to show the loss fall. */
export const QUICK =
  "start=scratch&evalPrompts=64&dims=3&points=5&batchSize=32&learningRate=0.01&warmupSteps=0&steps=12&every=3";

/** Clicks Train (unless `click` is false: it was pressed already) and waits for the run to finish; returns the page's recorded numbers. */
export async function trainToEnd(page, timeout = 480_000, click = true) {
  if (click) await page.click("#train");
  await page.waitForFunction(
    () =>
      ["done", "error", "idle"].includes(document.body.dataset.state) && document.body.dataset.step,
    null,
    { timeout },
  );
  return page.evaluate(() => ({
    state: document.body.dataset.state,
    step: Number(document.body.dataset.step),
    firstLoss: Number(document.body.dataset.firstLoss),
    lastLoss: Number(document.body.dataset.lastLoss),
    kind: document.getElementById("device-badge").dataset.kind,
    reason: document.getElementById("device-badge").dataset.reason,
    status: document.getElementById("status").textContent,
  }));
}
