import { basename, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { CSP_META } from "../scripts/serve.mjs";

/** The site's pages in navigation order (the landing page is the "iclab" home link). */
const NAV: [file: string, label: string][] = [
  ["icl.html", "in-context regression"],
  ["compare.html", "transformer vs xLSTM"],
  ["continual.html", "continual learning"],
  ["teachers.html", "for teachers"],
];

/**
 * What every page shares, written once: `<!-- iclab:head -->` becomes the charset, viewport,
 * colour schemes, the Content-Security-Policy and the favicon; `<!-- iclab:nav -->` the
 * navigation, with the current page marked. The dev server gets no CSP: it injects CSS as
 * inline <style> for hot reloading.
 */
function sharedChrome(): Plugin {
  const head = (dev: boolean): string =>
    [
      '<meta charset="utf-8" />',
      '<meta name="viewport" content="width=device-width, initial-scale=1" />',
      '<meta name="color-scheme" content="light dark" />',
      ...(dev ? [] : [`<meta http-equiv="Content-Security-Policy" content="${CSP_META}" />`]),
      '<link rel="icon" href="data:," />',
    ].join("\n    ");
  return {
    name: "iclab-shared-chrome",
    transformIndexHtml(html, ctx) {
      const page = basename(ctx.filename);
      const links = NAV.map(([file, label]) => `<a href="./${file}"${file === page ? ' aria-current="page"' : ""}>${label}</a>`).join(" · ");
      return html
        .replace("<!-- iclab:head -->", head(ctx.server !== undefined))
        .replace("<!-- iclab:nav -->", `<nav class="pages" aria-label="Pages">${links}</nav>`);
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
        index: resolve(import.meta.dirname, "index.html"),
        icl: resolve(import.meta.dirname, "icl.html"),
        api: resolve(import.meta.dirname, "api.html"),
        compare: resolve(import.meta.dirname, "compare.html"),
        continual: resolve(import.meta.dirname, "continual.html"),
        teachers: resolve(import.meta.dirname, "teachers.html"),
        // The <iclab-demo> element: a stable URL (site root/embed.js) for course pages to load.
        embed: resolve(import.meta.dirname, "src/embed.ts"),
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
