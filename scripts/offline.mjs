#!/usr/bin/env node
// Writes the built site's service worker, `<dist>/sw.js`: the list of every file of the build
// (pages, scripts, the wasm, checkpoints, recorded runs, digits; not the precompressed `.br` /
// `.gz` copies, which the server picks itself) and a version hashed from all of them, followed
// by the worker's code (www/src/offline/sw.js). Any change to any file gives a new version, so a
// new deploy replaces the cached lab cleanly. Run after `vite build`, before scripts/compress.mjs.
//   node scripts/offline.mjs www/dist
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const SKIP = new Set(["sw.js", "sw.js.br", "sw.js.gz"]);

/** Every file under `dir`, as a path relative to `root` with forward slashes, sorted. */
function files(root, dir = root) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return files(root, path);
      const file = relative(root, path).split(sep).join("/");
      if (SKIP.has(file) || file.endsWith(".br") || file.endsWith(".gz")) return [];
      return [file];
    });
}

export function writeServiceWorker(dist) {
  const list = files(dist);
  const hash = createHash("sha256");
  for (const file of list)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(dist, file)));
  const version = hash.digest("hex").slice(0, 16);
  const code = readFileSync(join(import.meta.dirname, "../www/src/offline/sw.js"), "utf8");
  // "./" is the landing page as a directory URL
  const urls = ["./", ...list.map((f) => `./${f}`)];
  const head = `const VERSION = ${JSON.stringify(version)};\nconst FILES = ${JSON.stringify(urls)};\n`;
  writeFileSync(join(dist, "sw.js"), head + code);
  // compressed copies of an older worker would be served in its place
  for (const stale of ["sw.js.br", "sw.js.gz"]) rmSync(join(dist, stale), { force: true });
  return { version, files: list.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? "www/dist";
  const { version, files: count } = writeServiceWorker(dist);
  console.log(`service worker: ${count} files, version ${version}`);
}
