#!/usr/bin/env node
// Static file server for the built site, loopback only. Serves .wasm as application/wasm, sends
// the site's security headers (no third-party origins, no inline scripts) and, like a static
// host, the precompressed `.br` / `.gz` sibling (scripts/compress.mjs) a browser accepts.
//   node scripts/serve.mjs www/dist [--port 8080]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
  ".bin": "application/octet-stream",
  ".safetensors": "application/octet-stream",
};

/** The site's Content-Security-Policy as every page's <meta> carries it (see www/vite.config.ts). */
export const CSP_META =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'";
/** As a header it can also allow every page to frame the demos (a <meta> cannot say that). */
export const CSP = `${CSP_META}; frame-ancestors *`;

/** The encodings a request accepts, in our order of preference, from its Accept-Encoding. */
function accepted(header) {
  const offered = new Map();
  for (const part of String(header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (name) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  return [
    ["br", "br"],
    ["gzip", "gz"],
  ].filter(([name]) => ok(name));
}

/**
 * Starts a server for `dir`; resolves to { server, url }. Port 0 picks a free port. `csp: false`
 * leaves out the site's CSP (tests use it to stand in for someone else's course page).
 */
export function serve(dir, { port = 8080, host = "127.0.0.1", csp = true } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) {
        res.writeHead(403).end("forbidden");
        return;
      }
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory()) path = join(path, "index.html");
      let body = await readFile(path);
      let encoding = null;
      for (const [name, suffix] of accepted(req.headers["accept-encoding"])) {
        const packed = await readFile(`${path}.${suffix}`).catch(() => null);
        if (packed) {
          body = packed;
          encoding = name;
          break;
        }
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        ...(encoding ? { "content-encoding": encoding } : {}),
        vary: "accept-encoding",
        ...(csp ? { "content-security-policy": CSP } : {}),
        "x-content-type-options": "nosniff",
        // A public static site: course pages on other origins load embed.js as a module (CORS).
        "access-control-allow-origin": "*",
        "cache-control": "no-cache",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const address = server.address();
      ok({ server, url: `http://${host}:${address.port}/` });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--")) ?? "www/dist";
  const portAt = args.indexOf("--port");
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 8080;
  const { url } = await serve(dir, { port });
  console.log(`iclab is running at ${url}  (Ctrl+C to stop)`);
}
