// Learn apart, merge together: the whole run (clients alone, merged, FedAvg, one learner on all
// the data) from the page, and a classroom of pages in one browser that merge through the
// BroadcastChannel, a file and a link; a bad or repeated share is refused by name and changes
// nothing.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("learn apart, then merge: every client alone, merged = one learner on all data, FedAvg and the core's finding", async () => {
  const page = await browser.page();
  // the first picture: the recorded native run of the default settings
  await page.goto(`${browser.url}federated.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await page.textContent("#source"), /Recorded natively/);
  assert.equal(await page.locator("#grid tbody tr").count(), 7);
  assert.equal((await data(page)).winner, "merged");
  await page.goto(`${browser.url}federated.html?device=cpu&rounds=2`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  await page.click("#train");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state), null, {
    timeout: 120_000,
  });
  const d = await data(page);
  assert.equal(d.state, "done", await page.textContent("#status"));
  // 4 clients alone, merged, FedAvg, one learner on all data
  const rows = await page.$$eval("#grid tbody tr", (rs) =>
    rs.map((r) => [...r.children].map((c) => c.textContent)),
  );
  assert.equal(rows.length, 7, JSON.stringify(rows));
  // alone, a client is right only on its own (●) classes: 2 of 8
  for (const row of rows.slice(0, 4)) {
    assert.equal(row.filter((c) => c.startsWith("●")).length, 2, row.join(" "));
    for (const cell of row.slice(1, -1).filter((c) => !c.startsWith("●"))) assert.equal(cell, "0%");
  }
  assert.equal(d.merged, d.ceiling, "the merge is exact");
  assert.ok(Number(d.merged) > 0.5, d.merged);
  assert.ok(["merged", "fedavg", "undecided"].includes(d.winner), d.winner);
  assert.match(await page.textContent("#verdict"), /FedAvg after 2 rounds/);
  assert.equal(await page.locator("#bytes tbody tr").count(), 2);
  await screenshot(page, "federated");
  await page.close();
});

test("a classroom: two tabs merge through the channel, a third page through a file, a fourth through a link", async () => {
  const dir = mkdtempSync(join(tmpdir(), "iclab-federated-"));
  const learned = async (page) => {
    await page.click("#learn");
    await page.waitForFunction(() => document.body.dataset.classroom === "learned");
  };
  const a = await browser.page();
  const b = await browser.page();
  await a.goto(`${browser.url}federated.html?device=cpu&clients=2&client=0`);
  await b.goto(`${browser.url}federated.html?device=cpu&clients=2&client=1`);
  for (const p of [a, b]) await p.waitForFunction(() => document.body.dataset.ready === "true");
  await learned(a);
  assert.equal((await data(a)).known, "4", "alone: its 4 classes of 8");
  // b learns after a: a's share waited for it on the channel, and b's reaches a
  await learned(b);
  for (const p of [a, b]) {
    await p.waitForFunction(() => document.body.dataset.known === "8");
    assert.equal((await data(p)).mergedShares, "1");
  }

  // a file: a page of another classroom (3 clients: not on a's channel) merges a's share
  const download = a.waitForEvent("download");
  await a.click("#share-file");
  const file = join(dir, "a.json");
  await (await download).saveAs(file);
  const c = await browser.page();
  await c.goto(`${browser.url}federated.html?device=cpu&clients=3&client=2`);
  await c.waitForFunction(() => document.body.dataset.ready === "true");
  await learned(c);
  await c.setInputFiles("#merge-file", file);
  await c.waitForFunction(() => document.body.dataset.mergedShares === "1");
  // classes 2 and 5, and a's 0, 2, 4 and 6
  assert.equal((await data(c)).known, "5");
  await screenshot(c, "federated-classroom");
  const before = await c.textContent("#mine");
  // the same share again, a malformed one, one of another feature space: refused, nothing changes
  const share = JSON.parse(readFileSync(file, "utf8"));
  const bad = structuredClone(share);
  bad.stats[0].mean[0] = "NaN";
  writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
  const other = structuredClone(share);
  other.space.dataset.seed = 7;
  writeFileSync(join(dir, "other.json"), JSON.stringify(other));
  for (const [name, field] of [
    ["a.json", "share"],
    ["bad.json", "share"],
    ["other.json", "share.space.dataset.seed"],
  ]) {
    await c.evaluate(() => {
      delete document.body.dataset.errorField;
    });
    await c.setInputFiles("#merge-file", join(dir, name));
    await c.waitForFunction(() => document.body.dataset.errorField !== undefined);
    assert.equal((await data(c)).errorField, field, name);
    assert.match(await c.textContent("#classroom-status"), /Nothing changed/);
    assert.equal(await c.textContent("#mine"), before, `${name} changed nothing`);
  }

  // a link: b's share in the fragment, opened by a page on b's settings once a and b are gone
  await b.click("#share-link");
  await b.waitForFunction(() => document.body.dataset.shareLink !== undefined);
  const link = (await data(b)).shareLink;
  assert.match(link, /#share=z\./);
  assert.doesNotMatch(link, /client=1/, "the receiver keeps its own client number");
  for (const p of [a, b]) await p.close();
  const e = await browser.page();
  await e.goto(link);
  await e.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await e.textContent("#classroom-status"), /1 share waiting \(the link\)/);
  await learned(e);
  await e.waitForFunction(() => document.body.dataset.known === "8");
  // a link cut short is refused, and says so (no other tab of its classroom is open to talk over it)
  for (const p of [c, e]) await p.close();
  const cut = await browser.page();
  await cut.goto(link.slice(0, link.length - 40));
  await cut.waitForFunction(() => document.body.dataset.ready === "true");
  assert.match(await cut.textContent("#classroom-status"), /cannot be read.*Nothing changed/);
  await cut.close();
});
