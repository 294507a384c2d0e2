/**
 * "Inside the model" on the in-context page (docs/SCIENCE.md §6, Fu et al. 2023): for the model on
 * screen, each layer's prediction (a linear probe fitted on held-out prompts, as Fu et al.) as
 * error vs k, the Iterative Newton and gradient-descent iterates nearest each layer's, how far
 * apart those two iterates are themselves, and whether the layer can be said to follow either.
 * The core computes and decides everything (`Session.layers`); this view asks for it, draws it,
 * and keeps it current while a model trains.
 */
import { CATALOG, type Comparison, type Layers, type LayersOptions, type Session } from "iclab";
import { LineChart } from "../../charts/line-chart.js";
import { describe, el, tableRow } from "../../shell/dom.js";

/**
 * Light to dark with depth, the read-in's stream first, the last block's last: a sequential scale
 * that changes hue as well as lightness (yellow-green to deep blue, ColorBrewer's YlGnBu), so
 * neighbouring layers differ by more than a shade of blue.
 */
const DEPTH = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"];
/** While training, at most one analysis per this many milliseconds (each costs a few seconds). */
const LIVE_EVERY_MS = 20_000;

/** What a layer resembles, in the core's words. */
const VERDICT: Readonly<Record<string, string>> = CATALOG.titles.verdicts;

/** A comparison's cell: the nearest iterates, their separation, the verdict. */
function cell(c: Comparison, places: number): string {
  return `N ${c.newton.steps} (${c.newton.distance.toFixed(places)}) · GD ${c.gd.steps.toLocaleString("en")} (${c.gd.distance.toFixed(places)}) · apart ${c.separation.toFixed(places)} → ${VERDICT[c.resembles] ?? c.resembles}`;
}

export class LayersView {
  private readonly button = el<HTMLButtonElement>("layers-run");
  private readonly status = el<HTMLParagraphElement>("layers-status");
  private readonly errorEl = el("layers-error-chart");
  private readonly matchChart = new LineChart(
    el("layers-match-chart"),
    {
      x: "layer (0 = after the read-in)",
      y: "nearest iterate",
      logY: true,
      wholeX: true,
    },
    [
      { name: "newton", label: "Iterative Newton iterations" },
      { name: "gd", label: "gradient-descent steps (fixed step, as Fu et al.)", dash: [8, 4] },
      {
        name: "correspondence",
        label: "GD steps nearest that Newton iterate (the methods against each other)",
        dash: [2, 4],
        stroke: "#9ca3af",
      },
    ],
    "Press “Look inside the layers” to see which solver each layer resembles.",
  );
  private errorChart: LineChart | null = null;
  private layersShown = -1;
  private active = false;
  private running = false;
  private lastRun = 0;
  /** The analysis on screen. */
  last: Layers | null = null;

  constructor(
    private readonly session: () => Session | null,
    private readonly options: () => LayersOptions,
  ) {
    this.button.addEventListener("click", () => void this.run());
  }

  /** Whether the button can be pressed now (a model exists and the page is not busy). */
  setAvailable(available: boolean): void {
    this.button.disabled = !available || this.session() === null || this.running;
  }

  /** A new model: the old analysis no longer describes it. */
  clear(): void {
    this.last = null;
    this.errorChart?.clear();
    this.matchChart.clear();
    el("layers-table").querySelector("tbody")?.replaceChildren();
    this.status.textContent = "";
    delete document.body.dataset.layers;
    delete document.body.dataset.layersRecorded;
  }

  /** During training: analyse again if the visitor opened the view and the last one is old enough. */
  async live(): Promise<void> {
    if (!this.active || this.running || performance.now() - this.lastRun < LIVE_EVERY_MS) return;
    await this.run();
  }

  /**
   * A shipped model's analysis, recorded natively with `iclab icl layers` next to its checkpoint
   * (`checkpoints/<name>.layers.json`): shown at once, until the visitor runs it here. A missing
   * file leaves the view empty.
   */
  async showRecorded(file: string, current: () => boolean): Promise<void> {
    const response = await fetch(new URL(`checkpoints/${file}`, document.baseURI)).catch(
      () => null,
    );
    if (!response?.ok) return;
    const result = (await response.json().catch(() => null)) as Layers | null;
    if (!result || !Array.isArray(result.layers) || !current() || this.last) return;
    this.show(result);
    this.status.textContent = `Recorded natively (iclab icl layers, ${file}): ${this.status.textContent} Press the button to run it here.`;
    document.body.dataset.layersRecorded = file;
  }

  /** Analyses the model now. */
  async run(): Promise<void> {
    const s = this.session();
    if (!s || this.running) return;
    this.active = true;
    this.running = true;
    this.button.disabled = true;
    this.status.textContent =
      "Fitting a probe to every layer and comparing it with Newton and gradient descent…";
    try {
      const result = await s.layers(this.options());
      if (this.session() !== s) return;
      this.show(result);
      delete document.body.dataset.layersRecorded;
    } catch (error) {
      this.status.textContent = describe(error);
      this.status.classList.add("error");
    } finally {
      this.running = false;
      this.lastRun = performance.now();
      this.button.disabled = this.session() === null;
    }
  }

  private show(r: Layers): void {
    this.last = r;
    this.status.classList.remove("error");
    if (this.layersShown !== r.layers.length || !this.errorChart) {
      this.errorChart?.destroy();
      this.errorChart = new LineChart(
        this.errorEl,
        { x: "examples in the prompt, k", y: "error (1 = guess 0)", wholeX: true },
        [
          ...r.layers.map((l) => ({
            name: `layer ${l.layer}`,
            label: l.layer === 0 ? "read-in" : `layer ${l.layer}`,
            // spread over the whole scale: the last layer is the darkest however deep the model
            stroke:
              DEPTH[Math.round((l.layer * (DEPTH.length - 1)) / Math.max(1, r.layers.length - 1))],
          })),
          { name: "least_squares", label: "least squares", dash: [4, 4] },
        ],
      );
      this.layersShown = r.layers.length;
    }
    const ks = r.leastSquares.map((_, k) => k);
    this.errorChart.show(ks, [...r.layers.map((l) => l.probe), r.leastSquares]);
    this.matchChart.show(
      r.layers.map((l) => l.layer),
      // 0 iterations has no place on a log scale: a gap there (the table has it)
      [
        r.layers.map((l) => l.prediction.newton.steps || null),
        r.layers.map((l) => l.prediction.gd.steps || null),
        r.layers.map((l) => r.correspondence[l.prediction.newton.steps]?.steps ?? null),
      ] as number[][],
    );
    const d = Math.min(r.dims, r.points - 1);
    const rows = r.layers.map((l) =>
      tableRow([
        l.layer === 0 ? "0 (read-in)" : String(l.layer),
        l.probe[d]!.toFixed(3),
        l.readOut[d]!.toFixed(3),
        cell(l.prediction, 3),
        cell(l.residual, 2),
      ]),
    );
    const table = el<HTMLTableElement>("layers-table");
    table.querySelector("thead th:nth-child(2)")!.textContent = `probe error at k = ${d}`;
    table.querySelector("thead th:nth-child(3)")!.textContent = `read-out error at k = ${d}`;
    table.tBodies[0]!.replaceChildren(...rows);
    // the finding is the core's sentence
    this.status.textContent =
      `Step ${r.step.toLocaleString("en")}, ${r.prompts} test prompts, probes fitted on ${r.fitPrompts} others. ${r.statement}` +
      (r.gdUnstable > 0
        ? ` (GD's fixed step ${r.gdStep} diverges on ${r.gdUnstable} of the prompt prefixes.)`
        : "");
    document.body.dataset.layers = JSON.stringify(
      r.layers.map((l) => ({
        layer: l.layer,
        probe: l.probe,
        readOut: l.readOut,
        newton: l.prediction.newton,
        gd: l.prediction.gd,
        resembles: l.prediction.resembles,
        residual: l.residual.resembles,
      })),
    );
    document.body.dataset.layersStep = String(r.step);
  }
}
