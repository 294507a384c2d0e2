// Draw a prompt: points placed, dragged and removed with the mouse on the plot, and the shipped
// d = 1 model's answer across the axis redrawn from them; a pasted 5-dimensional prompt answered
// as a table, a bad one named by row and column with the last answer kept.
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
/** The screen position of data point (x, y) on the plot (axes ±3). */
async function at(page, x, y) {
  const box = await page.locator("#plot").boundingBox();
  // viewBox 640 × 420, plot area x 48–628, y 12–392
  const vx = 48 + ((x + 3) / 6) * 580;
  const vy = 392 - ((y + 3) / 6) * 380;
  return { x: box.x + (vx / 640) * box.width, y: box.y + (vy / 420) * box.height };
}
async function answered(page, after) {
  await page.waitForFunction((n) => Number(document.body.dataset.answers ?? 0) > n, after, {
    timeout: 30_000,
  });
}
/** The model curve's y at data x, read back from its SVG path. */
function curveY(page, x) {
  return page.evaluate((x) => {
    const path = document.querySelector('#plot path[data-name="model"]');
    const points = [...path.getAttribute("d").matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const vx = 48 + ((x + 3) / 6) * 580;
    const [, vy] = points.reduce((a, b) => (Math.abs(b[0] - vx) < Math.abs(a[0] - vx) ? b : a));
    return ((392 - vy) / 380) * 6 - 3;
  }, x);
}

test("points drawn with the mouse: the model's curve follows the line they lie on", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}draw.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await answered(page, 0);
  // three clicks on y = x
  for (const x of [-1, 0.5, 1.5]) {
    const n = Number((await data(page)).answers);
    const p = await at(page, x, x);
    await page.mouse.click(p.x, p.y);
    await answered(page, n);
  }
  await page.waitForFunction(() => document.body.dataset.examples === "3");
  for (const x of [-1.5, 0, 1]) {
    const y = await curveY(page, x);
    assert.ok(Math.abs(y - x) < 0.2, `model at x = ${x}: ${y}`);
  }
  // drag the third point to (1.5, -1.5): the points now lie on no line through 0 and the
  // curve moves
  const before = await curveY(page, 1);
  const from = await at(page, 1.5, 1.5);
  const to = await at(page, 1.5, -1.5);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /1\.5,-1\.5/.test(decodeURIComponent(location.search)));
  let moved = before;
  for (let i = 0; i < 50 && moved > before - 0.3; i++) {
    await page.waitForTimeout(200);
    moved = await curveY(page, 1);
  }
  assert.ok(moved < before - 0.3, `curve at x = 1: ${before} → ${moved}`);
  // a click on a point removes it
  const n = Number((await data(page)).answers);
  const first = await at(page, -1, -1);
  await page.mouse.click(first.x, first.y);
  await answered(page, n);
  await page.waitForFunction(() => document.body.dataset.examples === "2");
  assert.equal(await page.locator("#points-body tr").count(), 2);
  await screenshot(page, "draw");
  // the link restores the prompt
  const url = page.url();
  const again = await browser.page();
  await again.goto(url);
  await again.waitForFunction(() => document.body.dataset.examples === "2");
  assert.deepEqual(page.consoleErrors, []);
  await again.close();
  await page.close();
});

test("a pasted 5-dimensional prompt is answered; a bad row is named and changes nothing", async () => {
  const page = await browser.page();
  await page.goto(`${browser.url}draw.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const rows = ["x1,x2,x3,x4,x5,y", "1,0,0,0,0,2", "0,1,0,0,0,-1", "0,0,1,0,0,0.5", "0,0,0,1,0,1"];
  await page.fill("#paste-text", [...rows, "0,0,0,0,1,0", "1,1,1,1,1", "3,0,0,0,0"].join("\n"));
  await page.click("#paste-answer");
  await page.waitForFunction(() => document.body.dataset.pasted === "2", null, { timeout: 30_000 });
  const cells = await page
    .locator("#paste-result tbody tr")
    .first()
    .locator("td")
    .allTextContents();
  // least squares answers 2 − 1 + 0.5 + 1 + 0 = 2.5 at (1, 1, 1, 1, 1)
  assert.ok(cells.includes("2.500"), cells.join(" "));
  await page.fill("#paste-text", [...rows, "0,0,x,0,1"].join("\n"));
  await page.click("#paste-answer");
  await page.waitForFunction(() =>
    /row 6, column 3/.test(document.getElementById("paste-status").textContent),
  );
  assert.equal(await page.locator("#paste-result tbody tr").count(), 2, "the last answer stays");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
