// Your own data on the continual page: points of two classes placed with the mouse become a
// stream the learners train on (with decision regions); a CSV loaded from disk with a chosen
// class order; a bad file named by row and column with the runs left as they were; a digit drawn
// with the mouse and answered by the learner as trained.
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

/** Clicks the drawing square at data point (x, y) (it spans [-3, 3]²). */
async function place(page, x, y) {
  await page.locator("#yours-canvas").scrollIntoViewIfNeeded();
  const box = await page.locator("#yours-canvas").boundingBox();
  await page.mouse.click(box.x + ((x + 3) / 6) * box.width, box.y + ((3 - y) / 6) * box.height);
}

test("points placed with the mouse are a stream the learners train on", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?dataset=table&compare=replay&classesPerTask=1&iterationsPerTask=30&every=10&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await page.textContent("#status"), /place points|load a CSV/);
  const [first, second] = [
    [-2, 2],
    [2, -2],
  ];
  for (const [dx, dy] of [
    [0, 0],
    [0.4, 0.2],
    [-0.3, 0.4],
  ])
    await place(page, first[0] + dx, first[1] + dy);
  await page.click("#yours-classes button:nth-child(2)");
  for (const [dx, dy] of [
    [0, 0],
    [0.4, 0.2],
    [-0.3, 0.4],
  ])
    await place(page, second[0] + dx, second[1] + dy);
  await page.waitForFunction(() => JSON.parse(document.body.dataset.table ?? "{}").rows === 6);
  const table = JSON.parse((await data(page)).table);
  assert.deepEqual(table.classes, ["1", "2"]);
  assert.deepEqual(table.counts, [3, 3]);
  // the stream is built from them: two tasks of one class each
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.results,
  );
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  const d = await data(page);
  assert.equal(d.state, "done", await page.textContent("#status"));
  const r = JSON.parse(d.results);
  assert.equal(r.a.accuracyMatrix.length, 2);
  assert.equal(await page.isVisible("#boundaries"), true, "two features: decision regions");
  await screenshot(page, "continual-own-points");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("a CSV with a chosen class order; a bad one is named and changes nothing", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?dataset=table&compare=none&classesPerTask=1&iterationsPerTask=10&every=10&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const rows = ["a,b,c,d,species"];
  for (let i = 0; i < 30; i++) {
    const label = ["setosa", "versicolor", "virginica"][i % 3];
    const k = i % 3;
    rows.push(`${k + 0.1 * (i % 5)},${2 * k},${1 - k},${0.5 * i},${label}`);
  }
  await page.setInputFiles("#yours-file", {
    name: "flowers.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(rows.join("\n")),
  });
  await page.waitForFunction(() => JSON.parse(document.body.dataset.table ?? "{}").rows === 30);
  assert.match(
    await page.textContent("#yours-status"),
    /flowers\.csv: 30 rows, 4 features, 3 classes/,
  );
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.results,
  );
  await page.fill("#yours-order", "virginica, setosa, versicolor");
  await page.press("#yours-order", "Tab");
  await page.waitForFunction(
    () => JSON.parse(document.body.dataset.table ?? "{}").classes?.[0] === "virginica",
  );
  await page.waitForFunction(
    () => document.body.dataset.state === "idle" && document.body.dataset.results,
  );
  const before = (await data(page)).results;
  assert.equal(JSON.parse(before).a.randomInit.length, 3, "three tasks, one class each");
  // a bad file: a word where a number belongs
  const bad = [...rows.slice(0, 3), "1,abc,0,1,setosa", ...rows.slice(4)].join("\n");
  await page.setInputFiles("#yours-file", {
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(bad),
  });
  await page.waitForFunction(() =>
    /row 4, column 2/.test(document.getElementById("yours-status").textContent),
  );
  assert.match(await page.textContent("#yours-status"), /bad\.csv was not loaded/);
  const after = await data(page);
  assert.equal(JSON.parse(after.table).rows, 30, "the table the runs read is the last good one");
  assert.equal(after.results, before, "the runs on screen are unchanged");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("a digit drawn with the mouse is answered by the learner as trained", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?dataset=digits&perClass=40&strategy=ncm&compare=naive&classesPerTask=2&iterationsPerTask=20&every=20&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 180_000,
  });
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done");
  // a "1": one vertical stroke
  await page.locator("#digit-canvas").scrollIntoViewIfNeeded();
  const box = await page.locator("#digit-canvas").boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++)
    await page.mouse.move(
      box.x + box.width * (0.5 - 0.01 * i),
      box.y + box.height * (0.15 + 0.07 * i),
    );
  await page.mouse.up();
  await page.waitForFunction(() => document.body.dataset.digit);
  const answers = JSON.parse((await data(page)).digit);
  console.log(`a drawn 1 is answered ${answers.join(", ")} (nearest class mean, naive)`);
  assert.equal(answers.length, 2);
  assert.ok(answers.every((a) => a >= 0 && a <= 9));
  // the network shows probabilities over the ten digits
  assert.equal(await page.locator(".digit-answer").nth(1).locator("li").count(), 10);
  await screenshot(page, "continual-digit");
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("a trained learner downloads and loads back as it was; a wrong file changes nothing", async () => {
  const page = await browser.page();
  await page.goto(
    `${browser.url}continual.html?strategy=analytic&compare=naive&iterationsPerTask=20&every=20&device=cpu`,
  );
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "done", null, {
    timeout: 120_000,
  });
  const trained = JSON.parse((await data(page)).results);
  const downloads = [];
  page.on("download", (d) => downloads.push(d));
  await page.click("#save-learners");
  for (let i = 0; i < 50 && downloads.length < 2; i++) await page.waitForTimeout(100);
  assert.equal(downloads.length, 2, "one file per learner");
  // the two files may arrive in either order: take the analytic head's
  const analytic = downloads.find((d) =>
    /continual-analytic.*\.safetensors$/.test(d.suggestedFilename()),
  );
  assert.ok(analytic, downloads.map((d) => d.suggestedFilename()).join(", "));
  const file = await analytic.path();
  // a wrong file: the runs on screen stay
  await page.setInputFiles("#learner-file", {
    name: "notes.safetensors",
    mimeType: "application/octet-stream",
    buffer: Buffer.from("not a learner"),
  });
  await page.waitForFunction(() => document.body.dataset.learnerError);
  assert.match(await page.textContent("#status"), /notes\.safetensors was not loaded/);
  assert.deepEqual(JSON.parse((await data(page)).results).b, trained.b);
  // the saved learner, loaded in a fresh page
  const fresh = await browser.page();
  await fresh.goto(`${browser.url}continual.html?device=cpu`);
  await fresh.waitForFunction(() => document.body.dataset.ready === "true");
  await fresh.setInputFiles("#learner-file", file);
  await fresh.waitForFunction(() => document.body.dataset.loaded);
  const loaded = JSON.parse((await data(fresh)).results);
  assert.deepEqual(loaded.a.accuracyMatrix, trained.a.accuracyMatrix);
  assert.deepEqual(loaded.a.metrics, trained.a.metrics);
  assert.equal(loaded.b, undefined, "only the loaded learner on screen");
  assert.match(await fresh.textContent("#status"), /trains no further/);
  assert.equal(await fresh.isDisabled("#train"), true);
  // it can still unlearn: the analytic head's exactness came with it
  assert.equal(await fresh.isVisible("#unlearn"), true);
  assert.deepEqual(fresh.consoleErrors, []);
  await fresh.close();
  await page.close();
});
