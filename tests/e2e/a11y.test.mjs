// Accessibility and layout: axe-core finds no serious or critical WCAG 2 A/AA violation on any
// page, in the light and the dark scheme, before and after a run; every page fits a phone's
// width; a demo can be driven from the keyboard alone.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { open, screenshot } from "./helpers.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../www/dist");
const PAGES = readdirSync(DIST).filter((f) => f.endsWith(".html"));
/** Settings that make each demo's page finish a run quickly on the CPU. */
const QUICK = {
  "icl.html":
    "?start=scratch&dims=2&points=4&batchSize=8&evalPrompts=32&steps=4&every=2&device=cpu",
  "compare.html": "?start=scratch&dims=2&points=4&evalPrompts=32&steps=2&every=1&device=cpu",
  "continual.html": "?classes=4&perClass=40&iterationsPerTask=10&every=5&device=cpu",
  "diversity.html": "?m=4&steps=4&every=2&evalEvery=4&evalPrompts=32&device=cpu",
  "classify.html": "?steps=4&every=2&evalEvery=2&evalPrompts=32&device=cpu",
};

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

/** Runs axe in the page (the evaluation goes through the DevTools protocol, outside the CSP). */
async function audit(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    }),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
}

async function settle(page, file) {
  if (file === "index.html")
    await page.waitForFunction(() => document.body.dataset.figure === "drawn");
  else if (
    file === "api.html" ||
    file === "teachers.html" ||
    file === "draw.html" ||
    file === "continual.html" ||
    file === "classify.html"
  )
    await page.waitForFunction(() => document.body.dataset.ready === "true");
  else
    await page.waitForFunction(
      () => ["idle", "error"].includes(document.body.dataset.state),
      null,
      { timeout: 120_000 },
    );
}

for (const scheme of ["light", "dark"]) {
  test(`axe finds no serious violations on any page (${scheme} scheme)`, async () => {
    const problems = [];
    for (const file of PAGES) {
      const page = await browser.page();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${browser.url}${file}${QUICK[file] ?? ""}`);
      await settle(page, file);
      problems.push(...(await audit(page)).map((p) => `${file}: ${p}`));
      if (QUICK[file]) {
        // After a run: charts, tables, the progress bar and the status line are on screen.
        await page.click("#train");
        await page.waitForFunction(
          () => ["done", "error"].includes(document.body.dataset.state),
          null,
          { timeout: 240_000 },
        );
        problems.push(...(await audit(page)).map((p) => `${file} after training: ${p}`));
        await page.click("#share");
        problems.push(...(await audit(page)).map((p) => `${file} share dialog: ${p}`));
      }
      if (scheme === "dark") await screenshot(page, `dark-${file.replace(".html", "")}`);
      await page.close();
    }
    assert.deepEqual(problems, []);
  });
}

test("every page fits a phone's width (390 px) without sideways scrolling", async () => {
  const wide = [];
  for (const file of PAGES) {
    const page = await browser.page();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${browser.url}${file}${QUICK[file] ?? ""}`);
    await settle(page, file);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    if (scroll > client) wide.push(`${file}: ${scroll} px wide in a ${client} px window`);
    if (file === "continual.html") await screenshot(page, "phone-continual");
    await page.close();
  }
  assert.deepEqual(wide, []);
});

test("a demo runs from the keyboard alone: Tab to Train, Enter, Tab to Pause, Enter, Reset", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?classes=4&perClass=40&iterationsPerTask=2000&every=5&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  async function tabTo(id) {
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
    }
    assert.fail(`Tab never reached #${id}`);
  }
  // A setting changed from the keyboard: focus the classes field, type, leave it.
  await tabTo("train");
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    () => document.body.dataset.state === "running" && document.body.dataset.results,
  );
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  await tabTo("pause");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.body.dataset.state === "paused");
  const paused = JSON.parse(await page.evaluate(() => document.body.dataset.results)).a.step;
  await page.waitForTimeout(500);
  assert.equal(
    JSON.parse(await page.evaluate(() => document.body.dataset.results)).a.step,
    paused,
    "paused means no more steps",
  );
  assert.equal(await page.textContent("#train"), "Resume");
  await page.focus("#train");
  await page.keyboard.press("Space");
  await page.waitForFunction(
    (at) => JSON.parse(document.body.dataset.results ?? "{}").a?.step > at,
    paused,
  );
  await page.focus("#pause");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.body.dataset.state === "paused");
  await page.focus("#reset");
  await page.keyboard.press("Enter");
  // Reset builds a fresh, untrained stream
  await page.waitForFunction(
    () =>
      document.body.dataset.state === "idle" &&
      JSON.parse(document.body.dataset.results ?? "null")?.a?.step === 0,
  );
  assert.equal(await page.textContent("#train"), "Train");
  await page.focus("#share");
  await page.keyboard.press("Enter");
  assert.equal(await page.isVisible("dialog.share"), true);
  assert.equal(
    await page.evaluate(() => document.activeElement?.closest("dialog") !== null),
    true,
    "focus moves into the dialog",
  );
  await page.keyboard.press("Escape");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
