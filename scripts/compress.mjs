#!/usr/bin/env node
// Precompresses the built site: next to every compressible file over 1 kB it writes `<file>.br`
// (Brotli, quality 11) and `<file>.gz` (gzip -9), which scripts/serve.mjs sends to browsers that
// accept them, as static hosts do. Brotli at quality 11 takes ~40 s for the wasm on 2 cores, so
// results are cached by content hash under ~/.cache/iclab/compress.
//   node scripts/compress.mjs www/dist
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { extname, join } from "node:path";
import zlib from "node:zlib";

const COMPRESSIBLE = new Set([
  ".wasm",
  ".js",
  ".mjs",
  ".css",
  ".html",
  ".json",
  ".svg",
  ".map",
  ".safetensors",
  ".bin",
]);
const MIN_BYTES = 1024;
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "iclab", "compress");

const ENCODINGS = {
  br: (data) =>
    zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_GENERIC,
      },
    }),
  gz: (data) => zlib.gzipSync(data, { level: 9 }),
};

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name)) && statSync(path).size >= MIN_BYTES) yield path;
  }
}

/** The compressed bytes of `data`, from the cache when this exact content was seen before. */
function compressed(data, encoding) {
  const key = createHash("sha256").update(data).digest("hex").slice(0, 32);
  const cached = join(CACHE, `${key}.${encoding}`);
  if (existsSync(cached)) return readFileSync(cached);
  const out = ENCODINGS[encoding](data);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(`${cached}.tmp`, out);
  renameSync(`${cached}.tmp`, cached);
  return out;
}

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error("usage: node scripts/compress.mjs <built site directory>");
  process.exit(2);
}
let raw = 0;
const totals = { br: 0, gz: 0 };
for (const path of files(dir)) {
  const data = readFileSync(path);
  raw += data.length;
  for (const encoding of Object.keys(ENCODINGS)) {
    const out = compressed(data, encoding);
    totals[encoding] += out.length;
    writeFileSync(`${path}.${encoding}`, out);
  }
}
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
console.log(`precompressed ${dir}: ${mb(raw)} raw, ${mb(totals.gz)} gzip, ${mb(totals.br)} brotli`);
