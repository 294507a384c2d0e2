/**
 * The lifecycle every demo page shares, in one place: its settings (parsed from the URL, kept in
 * step with the form and written back to the URL), the phase state machine and the Train /
 * Pause / Reset buttons, the epoch that drops late answers of a superseded experiment, the
 * device badge, the URL-problems line, export and share. A page configures it and keeps its own
 * models and charts; the page's state lives here, never in the DOM (`document.body.dataset` is
 * only written, as a reflection the end-to-end tests read).
 */
import { capabilities, type Capabilities, type DeviceInfo } from "iclab";
import { applyChrome } from "./chrome.js";
import { describe, deviceLost, el, showDeviceBadge } from "./dom.js";
import { askToDiscard } from "./discard.js";
import { Progress } from "./progress.js";
import { drive } from "./stream.js";
import { WaitingClock } from "./waiting.js";
import { csv, download, stamp } from "./files.js";
import { buildForm, choiceLabel } from "./form.js";
import { friendlyName, mountShare, shared } from "./share.js";
import type { PageOptions, Phase, Run } from "./run.js";
import { type Prop, readControl, type StateOf, type Table, urlState } from "./state.js";

export type { Phase, PageOptions, Run } from "./run.js";

export class Page<T extends Table> {
  readonly form = el<HTMLFormElement>("controls");
  readonly status = el<HTMLParagraphElement>("status");
  readonly badge = el<HTMLOutputElement>("device-badge");
  readonly buttons = {
    train: el<HTMLButtonElement>("train"),
    pause: el<HTMLButtonElement>("pause"),
    reset: el<HTMLButtonElement>("reset"),
    exportJson: el<HTMLButtonElement>("export-json"),
    exportCsv: el<HTMLButtonElement>("export-csv"),
  };
  readonly url: ReturnType<typeof urlState<T>>;
  /** The page's settings, as in its URL. */
  state: StateOf<T>;
  private current: Phase = "idle";
  private epochCount = 0;
  private pause = false;
  private readonly problems: string[];
  private readonly chrome: ReturnType<ReturnType<typeof urlState<T>>["parse"]>["chrome"];
  private device: DeviceInfo | null = null;
  /** What this browser offers (asked once): whether its WebGPU adapter is a software one. */
  private readonly caps: Promise<Capabilities | null> = capabilities().catch(() => null);
  /** The button {@link set} last moved the focus to (it follows the live one from there). */
  private movedFocus: HTMLElement | null = null;
  /** The progress bar and its time left, for {@link run}. */
  readonly progress = new Progress(el<HTMLProgressElement>("progress"), el("progress-label"));
  /** A sentence about the run that stays before its status lines (a GPU lost and recovered). */
  private note = "";
  /** While loading: the elapsed time after the status line, so a slow start never looks stuck. */
  private readonly waiting = new WaitingClock(
    this.status,
    this.caps,
    () => (this.state as Record<string, unknown>).device === "webgpu",
  );
  /** The run bar's blank-model button and its line, on pages that open on a trained model. */
  private readonly blankButton = document.getElementById("train-blank") as HTMLButtonElement | null;
  private readonly runWhat = document.getElementById("run-what");
  /** Units (steps) the page's current model was trained here, since {@link clearRun}. */
  private trainedHere = 0;

  constructor(private readonly options: PageOptions<T>) {
    this.url = urlState(options.table, options.derived);
    const parsed = this.url.parse(location.search);
    this.state = parsed.state;
    this.problems = parsed.problems;
    this.chrome = parsed.chrome;
    buildForm(this.form, options.table);
    // Train is many Tab presses into the page: the first one offers a way straight to it
    const skip = Object.assign(document.createElement("a"), {
      className: "skip-link",
      href: "#train",
      textContent: "Skip to Train",
    });
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      const primary = this.blankButton?.hidden === false ? this.blankButton : this.buttons.train;
      (primary.disabled ? this.buttons.pause : primary).focus();
    });
    document.body.prepend(skip);
    this.form.addEventListener("change", (event) => this.onChange(event));
    this.buttons.train.addEventListener("click", () => void options.train());
    this.blankButton?.addEventListener("click", () => {
      if (!this.working) void options.blank?.start();
    });
    this.buttons.pause.addEventListener("click", () => this.requestPause());
    this.buttons.reset.addEventListener("click", () => void options.reset());
    this.buttons.exportJson.addEventListener("click", () =>
      download(
        `${stamp(options.kind)}.json`,
        JSON.stringify(options.results(), null, 1),
        "application/json",
      ),
    );
    this.buttons.exportCsv.addEventListener("click", () => {
      const { header, rows } = options.resultsCsv();
      download(`${stamp(options.kind)}.csv`, csv(header, rows), "text/csv");
    });
    mountShare(
      el<HTMLButtonElement>("share"),
      shared(options.kind, options.table),
      (c) => this.url.serialize(this.state, c),
      this.url.chrome,
    );
  }

  /** Shows the settings in the form and applies the URL's chrome; call once the page's own state exists. */
  init(): void {
    this.writeForm();
    applyChrome(this.form, this.chrome);
    // the picture first: on a phone, or in a compact embed, the settings start folded
    const settings = document.getElementById("settings");
    if (
      settings instanceof HTMLDetailsElement &&
      (this.chrome.compact || matchMedia("(max-width: 760px)").matches)
    )
      settings.open = false;
  }

  /** The current phase. */
  get phase(): Phase {
    return this.current;
  }

  /** Whether the page (or work sharing its worker) is busy: controls locked, no new work. */
  get working(): boolean {
    return (
      this.current === "running" ||
      this.current === "loading" ||
      (this.options.alsoBusy?.() ?? false)
    );
  }

  /** Starts a new experiment; answers of the previous ones are dropped ({@link isCurrent}). */
  newEpoch(): number {
    this.epochCount += 1;
    this.pause = false;
    return this.epochCount;
  }

  /** The epoch now: a long task keeps it and checks {@link isCurrent} after every await. */
  get epoch(): number {
    return this.epochCount;
  }

  isCurrent(epoch: number): boolean {
    return epoch === this.epochCount;
  }

  /**
   * Runs `run` in the current epoch (call {@link newEpoch} first for a new experiment): the one
   * training loop of every page.
   */
  async run<R>(run: Run<R>): Promise<void> {
    this.startRun();
    const mine = this.epoch;
    this.set("running", run.opening);
    let line = "";
    try {
      this.progress.start(...run.work());
      const stream = await run.start(mine);
      if (stream === null || !this.isCurrent(mine)) return;
      let before = run.work()[0];
      const ending = await drive(
        stream,
        async (report) => {
          const text = await run.draw(report, mine);
          if (!this.isCurrent(mine)) return;
          const now = run.work()[0];
          this.trainedHere += Math.max(0, now - before);
          before = now;
          line = `${this.note}${this.progress.update(...run.work())} · ${text}`;
          this.say(line);
        },
        () => this.pause,
        () => this.isCurrent(mine),
      );
      if (ending === "superseded") return;
      const [done, total] = run.work();
      const finished = ending === "ended" || done >= total;
      this.progress.stop(finished ? "done" : "paused");
      if (finished) this.set("done", this.finished(run.done?.() ?? `${line} · done`));
      else this.set("paused", run.paused?.() ?? "Paused.");
    } catch (error) {
      if (!this.isCurrent(mine)) return;
      if (run.recover && deviceLost(error)) {
        this.set("running", "The GPU was lost; moving to the CPU…");
        try {
          const note = await run.recover(mine);
          if (!this.isCurrent(mine)) return;
          this.note = `${note} `;
        } catch (failed) {
          if (!this.isCurrent(mine)) return;
          this.progress.stop();
          this.set("error", `${describe(failed)} Press Reset to start again.`, true);
          return;
        }
        await this.run(run);
        return;
      }
      this.progress.stop();
      const hint = run.hint?.(error) ?? "Press Reset to start again.";
      this.set("error", `${describe(error)}${hint ? ` ${hint}` : ""}`, true);
    }
  }

  /** A new model: the progress bar and any note about the last one go. */
  clearRun(): void {
    this.note = "";
    this.trainedHere = 0;
    this.progress.clear();
  }

  /** Asks the running loop to stop at its next report. */
  requestPause(): void {
    this.pause = true;
  }

  /** Whether a pause was asked for since the run (re)started; {@link startRun} clears it. */
  get pauseRequested(): boolean {
    return this.pause;
  }

  /** A run (re)starts: forgets an earlier pause request. */
  startRun(): void {
    this.pause = false;
  }

  /** A finished run's status line, and how to go on where the page has a step budget. */
  private finished(text: string): string {
    const steps = (this.state as Record<string, unknown>).steps;
    return "steps" in this.options.table && typeof steps === "number"
      ? `${text} To train on, raise Steps (now ${steps.toLocaleString("en")}) and press Train.`
      : text;
  }

  /** Moves to `next`, updates buttons and controls, and shows `message` (red when `isError`). */
  set(next: Phase, message?: string, isError = false): void {
    // a pressed button that is disabled now would drop the focus to <body>: it moves to the
    // button that is live instead
    const focused = document.activeElement;
    const hadButton =
      focused === this.buttons.train ||
      focused === this.buttons.pause ||
      (focused !== null && (focused === this.blankButton || focused === this.movedFocus));
    this.current = next;
    document.body.dataset.state = next;
    const working = this.working;
    // on a trained model the first action is a blank one; Train then trains that model on
    const blank = this.options.blank;
    const offer = blank !== undefined && this.blankButton !== null && blank.shown();
    if (this.blankButton) {
      this.blankButton.hidden = !offer;
      this.blankButton.disabled = working;
    }
    if (this.runWhat) {
      this.runWhat.hidden = !offer;
      this.runWhat.textContent = offer ? blank.explain() : "";
    }
    this.buttons.train.classList.toggle("primary", !offer);
    this.buttons.train.textContent =
      next === "paused" ? "Resume" : offer ? blank.further : this.options.trainLabel;
    this.buttons.train.disabled = working || next === "done";
    this.buttons.train.title =
      next === "done" && "steps" in this.options.table ? "Raise Steps to train on" : "";
    this.buttons.pause.disabled = next !== "running";
    for (const control of this.form.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      this.options.controls ?? "input, select",
    )) {
      control.disabled = working || (this.options.locked?.(control) ?? false);
    }
    // (through a phase that disables both, such as loading, the focus waits on Reset and
    // comes back to the live one after)
    if (hadButton) {
      const live = [this.buttons.pause, this.buttons.train, this.buttons.reset].find(
        (b) => !b.disabled,
      );
      if (live && live !== focused) {
        live.focus();
        this.movedFocus = live;
      }
    }
    if (message !== undefined) this.say(message, isError);
    this.waiting.update(next === "loading" || next === "running", message !== undefined);
    this.options.onPhase?.(next, working);
  }

  /** Applies the phase again (after something {@link PageOptions.locked} or `alsoBusy` read changed). */
  refresh(): void {
    this.set(this.current);
  }

  /** One line in the status bar. */
  say(message: string, isError = false): void {
    delete this.status.dataset.asking;
    this.status.textContent = message;
    this.status.classList.toggle("error", isError);
  }

  /** Writes the settings into the form. */
  writeForm(): void {
    if (this.options.writeForm) {
      this.options.writeForm(this.form, this.state);
      return;
    }
    for (const name of Object.keys(this.options.table)) {
      const input = this.form.elements.namedItem(name);
      if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement)
        input.value = String(this.state[name as keyof StateOf<T>]);
    }
  }

  /** Sets settings without calling `changed` (one follows from another): state, URL, form. */
  assign(values: Partial<StateOf<T>>): void {
    this.state = { ...this.state, ...values };
    history.replaceState(null, "", `${location.pathname}${this.url.serialize(this.state)}`);
    this.writeForm();
  }

  /** Sets one setting as if the visitor had: state, URL, form, then the page's `changed`. */
  commit(name: keyof T & string, value: string | number): void {
    this.state = { ...this.state, [name]: value };
    history.replaceState(null, "", `${location.pathname}${this.url.serialize(this.state)}`);
    this.writeForm();
    this.options.changed(name);
  }

  /** What the URL had wrong, if anything (ignored parameters), in the status bar. */
  showUrlProblems(): void {
    if (this.problems.length) this.say(`URL: ${this.problems.join("; ")}`, true);
  }

  /** Where the page's models run, in the header badge. */
  showDevice(info: DeviceInfo): void {
    this.device = info;
    showDeviceBadge(this.badge, info);
    if (info.kind !== "webgpu") return;
    void this.caps.then((caps) => {
      if (this.device !== info || caps?.adapter?.isFallback !== true) return;
      // a software adapter works but is slow: not the green "GPU" badge
      this.badge.dataset.software = "true";
      this.badge.textContent = `device: WebGPU · ${info.adapter ?? caps.adapter.name} (software, slow)`;
      this.badge.title = `${caps.reason} Choose Device: CPU for faster training.`;
    });
  }

  /** Before any model exists: what `auto` would pick here, in the badge. */
  probeDevice(): void {
    void capabilities().then(
      (caps) => {
        if (this.device) return;
        // what `auto` will pick, in the words the badge uses once a model runs
        this.badge.textContent = caps.webgpuPreferred
          ? `device: WebGPU · ${caps.adapter?.name ?? "adapter"}`
          : "device: CPU";
        this.badge.title = caps.reason;
      },
      (error: unknown) => {
        if (this.device) return;
        this.badge.textContent = "device: CPU";
        this.badge.title = describe(error);
      },
    );
  }

  private onChange(event: Event): void {
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    const name = target.name as keyof T & string;
    if (!(name in this.options.table)) return;
    const value = readControl(
      target,
      name,
      this.options.table[name] as Prop,
      this.url.parseValue,
      this.state[name] as string | number,
      this.status,
    );
    if (value === null) return;
    if (this.trainedHere > 0 && (this.options.rebuilds?.(name) ?? true)) this.confirm(name, value);
    else this.commit(name, value);
  }

  /**
   * A change that would replace a model trained here: the control shows the old value again and
   * the status line asks, with one button to apply the change and one to keep the model.
   */
  private confirm(name: keyof T & string, value: string | number): void {
    this.writeForm();
    const label = friendlyName(name);
    askToDiscard(
      this.status,
      { name, label, steps: this.trainedHere },
      {
        apply: () => {
          this.say("");
          this.buttons.train.focus();
          this.commit(name, value);
        },
        keep: () => {
          this.buttons.train.focus();
          const kept = String(this.state[name]);
          this.say(`Kept the model trained here; ${label} stays ${choiceLabel(name, kept)}.`);
        },
      },
    );
  }
}
