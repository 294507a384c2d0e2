// The site is served precompressed (scripts/compress.mjs at build time, scripts/serve.mjs picks
// the sibling a request accepts), and the browser gets the wasm compressed.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { get } from "node:http";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { serve } from "../../scripts/serve.mjs";
import { open } from "./helpers.mjs";

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../www/dist");
let site;
before(async () => {
  site = await serve(DIST, { port: 0 });
});
after(() => site?.server.close());

function fetchRaw(path, acceptEncoding) {
  return new Promise((ok, fail) => {
    const headers = acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding };
    get(`${site.url}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    }).on("error", fail);
  });
}

test("every compressible file over 1 kB has .br and .gz siblings that decompress to it", async () => {
  const assets = readdirSync(join(DIST, "assets")).filter((f) => /\.(wasm|js|css)$/.test(f));
  const big = assets.filter((f) => statSync(join(DIST, "assets", f)).size >= 1024);
  assert.ok(
    big.some((f) => f.endsWith(".wasm")),
    "the wasm is among them",
  );
  for (const f of big) {
    const path = join(DIST, "assets", f);
    const raw = readFileSync(path);
    assert.ok(existsSync(`${path}.br`) && existsSync(`${path}.gz`), `${f} is precompressed`);
    assert.ok(brotliDecompressSync(readFileSync(`${path}.br`)).equals(raw), `${f}.br`);
    assert.ok(gunzipSync(readFileSync(`${path}.gz`)).equals(raw), `${f}.gz`);
  }
});

test("the server sends the encoding a request accepts, and the plain file otherwise", async () => {
  const wasm = readdirSync(join(DIST, "assets")).find((f) => f.endsWith(".wasm"));
  const raw = readFileSync(join(DIST, "assets", wasm));
  const path = `assets/${wasm}`;
  const cases = [
    ["gzip, deflate, br, zstd", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip;q=0.5", "gzip"],
    ["*", "br"],
    ["identity", undefined],
    [undefined, undefined],
  ];
  for (const [accept, expected] of cases) {
    const res = await fetchRaw(path, accept);
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-encoding"], expected, `Accept-Encoding: ${accept}`);
    assert.equal(res.headers["content-type"], "application/wasm");
    assert.equal(res.headers.vary, "accept-encoding");
    const body =
      expected === "br"
        ? brotliDecompressSync(res.body)
        : expected === "gzip"
          ? gunzipSync(res.body)
          : res.body;
    assert.ok(body.equals(raw), `Accept-Encoding: ${accept}: the same bytes once decoded`);
    if (expected)
      console.log(
        `${wasm} as ${expected}: ${(res.body.length / 1e6).toFixed(2)} MB of ${(raw.length / 1e6).toFixed(2)} MB`,
      );
  }
});

test("Chromium gets the wasm compressed and the page works", async () => {
  const browser = await open({ webgpu: false });
  try {
    const page = await browser.page();
    const encodings = [];
    browser.context.on("response", async (res) => {
      if (res.url().endsWith(".wasm")) encodings.push((await res.allHeaders())["content-encoding"]);
    });
    await page.goto(`${browser.url}api.html`);
    await page.waitForFunction(() => document.body.dataset.ready === "true");
    const caps = await page.evaluate(() => window.iclab.capabilities());
    assert.equal(typeof caps.reason, "string");
    assert.equal(encodings.length, 1, "one wasm request");
    assert.ok(
      ["br", "gzip"].includes(encodings[0]),
      `the wasm came ${encodings[0] ?? "uncompressed"}`,
    );
    console.log(`Chromium fetched the wasm as ${encodings[0]}`);
    assert.deepEqual(page.consoleErrors, []);
  } finally {
    await browser.close();
  }
});
