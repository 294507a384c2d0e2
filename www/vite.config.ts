import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path (course pages, GitHub Pages).
  base: "./",
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
