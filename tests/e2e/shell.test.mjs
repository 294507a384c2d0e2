// What the page shell does the same on every demo, at desktop (1280×900) and phone (390×844)
// sizes: a skip link straight to Train, focus that follows the live button, one device badge
// wording, a refused value said with its control's label and the values it takes, and a question
// before a changed setting throws away a model trained here.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { open } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await open({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

const active = (page) =>
  page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

test("skip link, focus after Train and Pause, badge and refused values, at both sizes", async () => {
  const page = await browser.page();
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    // a long stream of one learner, so Pause comes before the end
    await page.goto(
      `${browser.url}continual.html?device=cpu&compare=none&iterationsPerTask=2000&every=5&evalEvery=5`,
    );
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, {
      timeout: 60_000,
    });
    const where = `${width}×${height}`;

    // the first Tab stop leads straight to Train
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to Train");
    assert.ok(await page.isVisible(".skip-link"), `${where}: the skip link shows when focused`);
    await page.keyboard.press("Enter");
    assert.equal(await active(page), "train", where);

    // pressing Train moves the focus to Pause (Train is disabled), Pause back to Train (Resume)
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.body.dataset.state === "running");
    assert.equal(await active(page), "pause", `${where}: focus follows the live button`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.body.dataset.state === "paused", null, {
      timeout: 60_000,
    });
    assert.equal(await active(page), "train", `${where}: back on Train (Resume)`);
    assert.equal(await page.textContent("#train"), "Resume");

    // one badge wording, whatever the page knows yet
    assert.match(await page.textContent("#device-badge"), /^device: (CPU|WebGPU · .+)$/, where);

    // a setting that would replace the model trained here asks first; "Keep" keeps both
    const settings = await page.$("#settings");
    if (!(await settings.evaluate((d) => d.open))) await page.click("#settings > summary");
    const seed = await page.inputValue("[name=seed]");
    await page.fill("[name=seed]", "12");
    await page.dispatchEvent("[name=seed]", "change");
    assert.match(
      await page.textContent("#status"),
      /^Changing Seed starts a new model: the one trained here \([\d,]+ steps\) would be lost\./,
      where,
    );
    assert.equal(
      await page.inputValue("[name=seed]"),
      seed,
      `${where}: the control shows the old value`,
    );
    assert.equal(await active(page), "BUTTON", `${where}: focus on the question`);
    await page.click("#status button.keep");
    assert.equal(await page.textContent("#train"), "Resume", `${where}: the model is kept`);
    assert.equal(await page.inputValue("[name=seed]"), seed);
    assert.ok(
      !new URL(page.url()).searchParams.has("seed"),
      `${where}: the URL keeps the old seed`,
    );
    // a setting that does not replace it applies at once
    await page.fill("[name=every]", "7");
    await page.dispatchEvent("[name=every]", "change");
    assert.equal(new URL(page.url()).searchParams.get("every"), "7", where);
    assert.equal(await page.textContent("#train"), "Resume");
    // and "Discard" applies the change, with a new model
    await page.fill("[name=seed]", "12");
    await page.dispatchEvent("[name=seed]", "change");
    await page.click("#status button.discard");
    assert.equal(new URL(page.url()).searchParams.get("seed"), "12", where);
    await page.waitForFunction(() => document.body.dataset.state === "idle");
    assert.equal(await page.textContent("#train"), "Train", `${where}: a new model`);

    // a refused value names the control by its label and says what it must be
    await page.click("#reset");
    await page.waitForFunction(() => document.body.dataset.state !== "running");
    await page.fill("[name=learningRate]", "-1");
    await page.dispatchEvent("[name=learningRate]", "change");
    const status = await page.textContent("#status");
    assert.match(
      status,
      /^Learning rate must be greater than 0 and at most 1; "-1" is not\. Kept [\d.e-]+\.$/,
      `${where}: ${status}`,
    );
    assert.notEqual(await page.inputValue("[name=learningRate]"), "-1", "the control goes back");
  }
});
