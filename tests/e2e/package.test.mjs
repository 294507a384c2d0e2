// The npm package as a user meets it: `npm pack` the package, install the tarball offline (empty
// npm cache) into a fresh Vite project with no bundler configuration, type-check the README's quick start
// against the shipped types (tsc --strict), and run it in Chromium from `vite build` and from the
// `vite` dev server. It must train a session and print its numbers.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The first ```ts block of the package README: the quick start users copy. */
function quickStart() {
  const readme = readFileSync(join(ROOT, "web/README.md"), "utf8");
  const match = readme.match(/```ts\n([\s\S]*?)```/);
  assert.ok(match, "web/README.md has a ```ts quick start");
  return match[1];
}

let dir;
let app;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "iclab-pack-"));
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], {
    cwd: join(ROOT, "web"),
    encoding: "utf8",
  });
  const tarball = join(dir, out.trim().split("\n").pop());
  app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "fresh-app", private: true, type: "module" }),
  );
  writeFileSync(
    join(app, "index.html"),
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"></head>\n<body><script type="module" src="./main.ts"></script></body></html>\n',
  );
  writeFileSync(join(app, "main.ts"), quickStart());
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["es2022", "dom"],
        noEmit: true,
        skipLibCheck: false,
      },
      include: ["main.ts"],
    }),
  );
  // The tarball has no dependencies, so it installs offline with an empty npm cache: nothing
  // is fetched. The project's tools (vite, typescript) are the repository's own, linked in.
  execFileSync(
    "npm",
    [
      "install",
      "--offline",
      "--no-audit",
      "--no-fund",
      "--silent",
      "--cache",
      join(dir, "npm-cache"),
      tarball,
    ],
    {
      cwd: app,
      stdio: "inherit",
    },
  );
  for (const tool of ["vite", "typescript"])
    symlinkSync(join(ROOT, "node_modules", tool), join(app, "node_modules", tool), "dir");
  const installed = JSON.parse(readFileSync(join(app, "node_modules/iclab/package.json"), "utf8"));
  assert.equal(
    installed.version,
    JSON.parse(readFileSync(join(ROOT, "web/package.json"), "utf8")).version,
  );
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Opens `url`, collects console lines until the quick start has printed its curves. */
async function runQuickStart(url) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage();
    const lines = [];
    const errors = [];
    page.on("console", (m) =>
      m.type() === "log" ? lines.push(m.text()) : m.type() === "error" && errors.push(m.text()),
    );
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(url);
    const deadline = Date.now() + 180_000;
    while (!lines.some((l) => l.includes("curves")) && errors.length === 0 && Date.now() < deadline)
      await page.waitForTimeout(200);
    return { lines, errors };
  } finally {
    await browser.close();
  }
}

function checkOutput({ lines, errors }) {
  assert.deepEqual(errors, []);
  assert.match(lines[0], /WebGPU/, "capabilities() says why WebGPU is or isn't used");
  const reports = lines.filter((l) => /^\d+ [\d.e-]+ (cpu|webgpu)$/.test(l));
  assert.equal(reports.length, 3, `three reports: ${lines.join(" | ")}`);
  const curves = JSON.parse(lines.find((l) => l.includes("curves")).replace(/^curves /, ""));
  assert.equal(curves.model.length, curves.least_squares.length);
  assert.ok(curves.model.every(Number.isFinite));
  return curves;
}

test("the README quick start type-checks against the packed types (tsc --strict)", () => {
  execFileSync("node", [join(app, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: app,
    stdio: "inherit",
  });
});

test("vite build of a fresh project bundles the worker and the wasm without configuration, and trains", async () => {
  execFileSync(
    "node",
    [join(app, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    { cwd: app, stdio: "inherit" },
  );
  const assets = readdirSync(join(app, "dist/assets"));
  assert.ok(
    assets.some((f) => f.endsWith(".wasm")),
    `the wasm is emitted: ${assets}`,
  );
  assert.ok(
    assets.some((f) => f.startsWith("worker")),
    `the worker is emitted: ${assets}`,
  );
  const { server, url } = await serve(join(app, "dist"), { port: 0 });
  try {
    const curves = checkOutput(await runQuickStart(url));
    console.log(`built app: model error vs k ${curves.model.map((v) => v.toFixed(2)).join(" ")}`);
  } finally {
    server.close();
  }
});

test("the vite dev server serves the package without configuration, and it trains", async () => {
  const port = await freePort();
  const dev = spawn(
    "node",
    [
      join(app, "node_modules/vite/bin/vite.js"),
      "--port",
      String(port),
      "--strictPort",
      "--host",
      "127.0.0.1",
    ],
    { cwd: app, stdio: "pipe" },
  );
  try {
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("vite dev server did not start")), 30_000);
      dev.stdout.on("data", (d) => {
        if (!String(d).includes(String(port))) return;
        clearTimeout(timer);
        ok();
      });
    });
    checkOutput(await runQuickStart(`http://127.0.0.1:${port}/`));
  } finally {
    dev.kill();
  }
});
