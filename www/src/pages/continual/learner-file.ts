/**
 * The continual page's learner files: Download learners saves each learner on the page as it is
 * trained (safetensors with its config and everything its run measured); Load a learner… reads
 * one from disk, checked by the core as the CLI does (`iclab cl run --learner`), and hands it to
 * the page only once it has loaded: a refused file changes nothing on screen.
 */
import { loadContinual, type ContinualRun } from "iclab";
import { describe, el } from "../../shell/dom.js";
import { download, stamp } from "../../shell/files.js";

export function wireLearnerFiles(
  /** The runs on the page with their strategy's name. */
  runs: () => { run: ContinualRun; name: string }[],
  /** Takes a learner that loaded. */
  use: (run: ContinualRun, file: string) => Promise<void>,
  /** Says what went wrong (the page's status line). */
  say: (message: string) => void,
): void {
  const input = el<HTMLInputElement>("learner-file");
  el("save-learners").addEventListener("click", async () => {
    try {
      for (const { run, name } of runs())
        download(
          `${stamp(`continual-${name}`)}.safetensors`,
          (await run.save()) as Uint8Array<ArrayBuffer>,
          "application/octet-stream",
        );
    } catch (error) {
      say(describe(error));
    }
  });
  el("load-learner").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const run = await loadContinual(new Uint8Array(await file.arrayBuffer()));
      await use(run, file.name);
    } catch (error) {
      say(`${file.name} was not loaded: ${describe(error)}`);
      document.body.dataset.learnerError = describe(error);
    }
  });
}
