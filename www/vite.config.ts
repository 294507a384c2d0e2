import { readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { CSP_META } from "../scripts/serve.mjs";

/**
 * The site's pages: every `*.html` here. A page is in the navigation when it says where
 * (`<meta name="iclab:nav" content="<order>">`), under the name in its `<title>` after "iclab · "
 * (the landing page is the "iclab" home link). Adding a page is one HTML file and its module.
 */
const PAGES = readdirSync(import.meta.dirname).filter((f) => f.endsWith(".html")).sort();
const NAV: [file: string, label: string][] = PAGES.flatMap((file) => {
  const html = readFileSync(resolve(import.meta.dirname, file), "utf8");
  const order = /<meta name="iclab:nav" content="(\d+)"/.exec(html)?.[1];
  const title = /<title>iclab · ([^<]+)<\/title>/.exec(html)?.[1];
  return order && title ? [{ file, title, order: Number(order) }] : [];
})
  .sort((a, b) => a.order - b.order)
  .map(({ file, title }) => [file, title]);

/**
 * A demo's run bar, written once: Train (its label from `train="…"`), Pause, Reset (`reset="…"`)
 * — with `blank="…"`, a first button that trains a blank model and a line saying what each does —
 * and any buttons of the page's own between `<!-- iclab:run … -->` and `<!-- /iclab:run -->`,
 * then the progress bar and the status line the shell drives (shell/page.ts finds them by id).
 */
function runBar(attributes: string, extra: string): string {
  const attribute = (name: string, fallback: string): string =>
    new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1] ?? fallback;
  // a page that opens on a shipped, trained model offers a blank one as its first action
  const blank = attribute("blank", "");
  return [
    '<div class="buttons">',
    ...(blank ? [`  <button type="button" id="train-blank" class="primary">${blank}</button>`] : []),
    `  <button type="button" id="train" class="primary">${attribute("train", "Train")}</button>`,
    '  <button type="button" id="pause" disabled>Pause</button>',
    `  <button type="button" id="reset">${attribute("reset", "Reset")}</button>`,
    ...(extra.trim() ? [`  ${extra.trim()}`] : []),
    "</div>",
    ...(blank ? ['<p id="run-what" class="note"></p>'] : []),
    '<div class="progress"><progress id="progress" max="1" value="0" aria-label="Training progress" hidden></progress> <span id="progress-label"></span></div>',
    '<p id="status" class="status" role="status" aria-live="polite">Loading…</p>',
  ].join("\n        ");
}

/**
 * What every page shares, written once: `<!-- iclab:head -->` becomes the charset, viewport,
 * colour schemes, the Content-Security-Policy, the favicon, the web app manifest and the
 * offline service worker's registration; `<!-- iclab:nav -->` the
 * navigation, with the current page marked; `<!-- iclab:run -->` a demo's run bar
 * ({@link runBar}). The dev server gets no CSP: it injects CSS as inline <style> for hot
 * reloading.
 */
function sharedChrome(): Plugin {
  const head = (dev: boolean): string =>
    [
      '<meta charset="utf-8" />',
      '<meta name="viewport" content="width=device-width, initial-scale=1" />',
      '<meta name="color-scheme" content="light dark" />',
      ...(dev ? [] : [`<meta http-equiv="Content-Security-Policy" content="${CSP_META}" />`]),
      '<link rel="icon" href="data:," />',
      '<link rel="manifest" href="./manifest.webmanifest" />',
      '<meta name="theme-color" content="#1d4ed8" />',
      // the service worker that keeps the lab working offline (build only: shell/offline.ts)
      ...(dev ? [] : ['<script type="module" src="./src/shell/offline.ts"></script>']),
    ].join("\n    ");
  return {
    name: "iclab-shared-chrome",
    // before Vite reads the pages' scripts, so the injected registration script is bundled too
    transformIndexHtml: {
      order: "pre",
      handler(html, ctx) {
        const page = basename(ctx.filename);
        const links = NAV.map(([file, label]) => `<a href="./${file}"${file === page ? ' aria-current="page"' : ""}>${label}</a>`).join(" · ");
        return html
          .replace("<!-- iclab:head -->", head(ctx.server !== undefined))
          .replace("<!-- iclab:nav -->", `<nav class="pages" aria-label="Pages">${links}</nav>`)
          .replace(/<!-- iclab:run([^>]*?)-->([\s\S]*?)<!-- \/iclab:run -->/, (_, attributes: string, extra: string) =>
            runBar(attributes, extra),
          );
      },
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path (course pages, GitHub Pages).
  base: "./",
  plugins: [sharedChrome()],
  build: {
    target: "es2022",
    rollupOptions: {
      input: {
        ...Object.fromEntries(PAGES.map((file) => [basename(file, ".html"), resolve(import.meta.dirname, file)])),
        // The <iclab-demo> element: a stable URL (site root/embed.js) for course pages to load.
        embed: resolve(import.meta.dirname, "src/shell/embed.ts"),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === "embed" ? "embed.js" : "assets/[name]-[hash].js"),
      },
    },
  },
  worker: { format: "es" },
  // The package resolves its worker and wasm with `new URL(…, import.meta.url)`; pre-bundling
  // would move the file and break those URLs.
  optimizeDeps: { exclude: ["iclab"] },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
