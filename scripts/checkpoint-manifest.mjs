// Writes www/public/checkpoints/manifest.json from the training logs next to the weights, so the
// site knows which function classes have a shipped model, how long it trained and on what config.
// A resumed run keeps its earlier logs as <name>.log.part-*.json; wall time sums over all parts.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "www", "public", "checkpoints");
const files = readdirSync(dir);
const manifest = {};
for (const file of files.filter((f) => f.endsWith(".safetensors")).sort()) {
  const name = file.replace(/\.safetensors$/, "");
  const logs = files.filter(
    (f) => f === `${name}.log.json` || (f.startsWith(`${name}.log.part-`) && f.endsWith(".json")),
  );
  const latest = files.includes(`${name}.log.json`)
    ? JSON.parse(readFileSync(join(dir, `${name}.log.json`), "utf8"))
    : null;
  if (!latest) continue; // still training its first segment
  const wallSeconds = logs.reduce(
    (sum, f) => sum + JSON.parse(readFileSync(join(dir, f), "utf8")).wallSeconds,
    0,
  );
  // its recorded layer analysis (`iclab --json icl layers`), when one ships
  const layers = files.includes(`${name}.layers.json`)
    ? { layerAnalysis: `${name}.layers.json` }
    : {};
  manifest[name] = { file, step: latest.steps, wallSeconds, config: latest.config, ...layers };
}
writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`manifest: ${Object.keys(manifest).join(", ") || "(empty)"}`);
