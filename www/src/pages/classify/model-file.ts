/**
 * The classify page's model files: Download model saves the classifier on the page as it is
 * trained (safetensors with its config, step and evaluation history); Load model… reads one from
 * disk, checked by the core as the CLI does (`iclab classify eval --checkpoint`), and hands it to
 * the page only once it has loaded: a refused file changes nothing on screen.
 */
import { type ClassifyConfig, type ClassifyRun, loadClassify } from "iclab";
import { describe, el } from "../../shell/dom.js";
import { download, stamp } from "../../shell/files.js";

/** The page settings a classifier's config stands for (the inverse of the page's `config()`). */
export function settingsOf(c: ClassifyConfig): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const put = (name: string, value: unknown) => {
    if (typeof value === "number" || typeof value === "string") out[name] = value;
  };
  for (const [name, value] of Object.entries(c.task)) put(name, value);
  for (const name of [
    "backbone",
    "layers",
    "hidden",
    "dModel",
    "heads",
    "learningRate",
    "weightDecay",
    "batchSize",
    "seed",
  ] as const)
    put(name, c[name]);
  return out;
}

export function wireClassifierFiles(
  run: () => ClassifyRun | null,
  use: (run: ClassifyRun, file: string) => Promise<void>,
  say: (message: string) => void,
): void {
  const input = el<HTMLInputElement>("model-file");
  el("save-model").addEventListener("click", async () => {
    const r = run();
    if (!r) return;
    try {
      download(
        `${stamp(`classifier-K${r.config.task.classes}-B${r.config.task.burstiness}`)}.safetensors`,
        (await r.save()) as Uint8Array<ArrayBuffer>,
        "application/octet-stream",
      );
    } catch (error) {
      say(describe(error));
    }
  });
  el("load-model").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      await use(await loadClassify(new Uint8Array(await file.arrayBuffer())), file.name);
    } catch (error) {
      say(`${file.name} was not loaded: ${describe(error)}`);
      document.body.dataset.modelError = describe(error);
    }
  });
}
