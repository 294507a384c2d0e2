/**
 * The in-context page's model files: Download model saves the model on the page as safetensors
 * with its config; Load model… reads one from disk, checked by the core exactly as the CLI does,
 * and hands it to the page only once it loads (a refused file changes nothing).
 */
import { loadSession, type Session, type SessionConfig } from "iclab";
import { DEFAULTS } from "../../shell/checkpoints.js";
import { describe, el } from "../../shell/dom.js";
import { download, stamp } from "../../shell/files.js";
import type { Page } from "../../shell/page.js";
import type { ICL } from "./table.js";

/** A checkpoint the visitor chose, by name, as read from disk. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Wires the two buttons (and the page's hidden file input, `#model-file`): `session` is the
 * model on the page, `use` takes a file that loaded.
 */
export function wireModelFiles(
  page: Page<typeof ICL>,
  buttons: { save: HTMLButtonElement; load: HTMLButtonElement },
  session: () => Session | null,
  use: (file: ModelFile) => Promise<void>,
): void {
  const input = el<HTMLInputElement>("model-file");
  buttons.save.addEventListener("click", () => {
    const s = session();
    if (!s) return;
    void s.save().then(
      (bytes) =>
        download(
          `${stamp(`${s.config.model ?? DEFAULTS.model}-${s.config.task.kind}`)}.safetensors`,
          bytes as Uint8Array<ArrayBuffer>,
          "application/octet-stream",
        ),
      (error: unknown) => page.set("error", describe(error), true),
    );
  });
  buttons.load.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) void check(page, file, use);
  });
}

/** Reads a checkpoint from disk; the current model stays until the new one has loaded. */
async function check(
  page: Page<typeof ICL>,
  file: File,
  use: (file: ModelFile) => Promise<void>,
): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  // a file that is refused leaves the page as it was: a model never trained here is not "paused"
  const before = page.phase === "loading" ? "idle" : page.phase;
  page.set("loading", `Checking ${file.name}…`);
  let s: Session;
  try {
    s = await loadSession(bytes, page.state.device as SessionConfig["device"]);
  } catch (error) {
    page.set(
      before === "running" ? "paused" : before,
      `${file.name} was not loaded: ${describe(error)} The current model is unchanged.`,
      true,
    );
    return;
  }
  await s.dispose();
  await use({ name: file.name, bytes });
}
