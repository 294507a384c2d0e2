/**
 * The shipped sweep's figure (docs/SCIENCE.md §5): where models trained on M tasks sit between
 * dMMSE and ridge on new tasks and on their pool, per M over seeds, the table behind it and the
 * core's findings in words. The numbers are the sweep file's; nothing here decides a finding.
 */
import { CATALOG, type DiversitySweep as Sweep, type Standing, type SweepRun } from "iclab";
import { DEFAULTS, MODEL_NAMES } from "../../shell/checkpoints.js";
import { el, tableRow } from "../../shell/dom.js";
import { POOLS } from "./table.js";
import {
  PositionChart,
  type PositionSeries,
  poolLabel,
  SweepChart,
  type SweepPoint,
  type YourModel,
} from "./charts.js";

export const mean = (v: readonly (number | null)[]): number => {
  const xs = v.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};

/** The sweep's own training length: its shortest (longer runs of some M join it). */
export function baseSteps(s: Sweep): number {
  return Math.min(...s.runs.map((r) => r.steps));
}

/** Per M (in the slider's order): the runs of every seed at the sweep's own length. */
function byPool(s: Sweep): { pool: number | null; runs: SweepRun[] }[] {
  const steps = baseSteps(s);
  return POOLS.map((m) => {
    const p = m === "inf" ? null : Number(m);
    return { pool: p, runs: s.runs.filter((r) => r.taskPool === p && r.steps === steps) };
  }).filter((g) => g.runs.length > 0);
}

function points(s: Sweep, on: "fresh" | "pool"): SweepPoint[] {
  return byPool(s).flatMap(({ pool: p, runs }) => {
    const standings = runs
      .map((r) => (on === "fresh" ? r.fresh : r.pool))
      .filter((x): x is Standing => x !== null);
    if (standings.length === 0) return [];
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return [
      {
        pool: p,
        toDmmse: finite(mean(standings.map((x) => x.distanceDmmse))),
        toRidge: finite(mean(standings.map((x) => x.distanceRidge))),
        span: finite(mean(standings.map((x) => x.position?.span ?? null))),
      },
    ];
  });
}

export const fmt = (v: number | null | undefined): string =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "–";

function range(v: (number | null)[]): string {
  const xs = v.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  if (xs.length < 2) return fmt(xs[0]);
  return `${fmt(mean(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

/** "0.42 (0.40–0.45)" of a spread from the core. */
/** A per-seed change as "−0.09 to −0.08" (signed). */
const signedRange = (s: { min: number; max: number }): string => {
  const f = (v: number): string => (v < 0 ? `−${(-v).toFixed(2)}` : `+${v.toFixed(2)}`);
  return s.min === s.max ? f(s.min) : `${f(s.min)} to ${f(s.max)}`;
};
const spread = (s: { mean: number; min: number; max: number }): string =>
  s.min === s.max
    ? s.mean.toFixed(2)
    : `${s.mean.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** The sweep's charts and table on the page. */
export class SweepFigure {
  private readonly position = new PositionChart(el("sweep-position"));
  private readonly fresh = new SweepChart(el("sweep-fresh"), "on new tasks");
  private readonly pool = new SweepChart(el("sweep-pool"), "on the pool's own tasks");

  /** Marks a model trained on the page on the position figure (`null`: none). */
  markYours(you: YourModel | null): void {
    this.position.mark(you);
  }

  /** Marks the slider's M on both sweep charts. */
  mark(m: number | null): void {
    this.fresh.mark(m);
    this.pool.mark(m);
  }

  show(s: Sweep): void {
    const f = s.findings;
    const lengths = [...new Set(f.cells.map((c) => c.steps))].sort((a, b) => a - b);
    this.position.show(
      lengths.map((steps): PositionSeries => {
        const cells = f.cells.filter((c) => c.steps === steps);
        return {
          steps,
          pools: cells.map((c) => c.taskPool),
          mean: cells.map((c) => c.fraction.mean),
          min: cells.map((c) => c.fraction.min),
          max: cells.map((c) => c.fraction.max),
        };
      }),
    );
    const fresh = points(s, "fresh");
    this.fresh.show(fresh);
    this.pool.show(points(s, "pool"));
    // the findings are the core's (iclab::icl::diversity); the page shows their sentences
    const first = f.crossovers[0];
    el("threshold").textContent = [
      ...f.crossovers.map((c) => c.statement),
      ...f.longer.map((m) => m.statement),
    ].join(" ");
    document.body.dataset.threshold =
      first?.decided && first.from !== null ? String(first.from) : "none";
    document.body.dataset.switch = String(first?.switch ?? false);
    const steps = baseSteps(s);
    const cellOf = (p: number | null) => f.cells.find((c) => c.taskPool === p && c.steps === steps);
    const body = el<HTMLTableElement>("sweep-table").tBodies[0]!;
    body.replaceChildren(
      ...byPool(s).map(({ pool: p, runs }) => {
        const cell = cellOf(p);
        return tableRow([
          poolLabel(p),
          String(runs.length),
          cell ? spread(cell.fraction) : "–",
          cell
            ? cell.side === null
              ? "cannot say"
              : `${CATALOG.titles.sides[cell.side] ?? cell.side}'s`
            : "–",
          range(runs.map((r) => r.fresh.position?.span ?? null)),
          range(runs.map((r) => r.fresh.distanceDmmse)),
          range(runs.map((r) => r.fresh.distanceRidge)),
          range(runs.map((r) => r.pool?.distanceDmmse ?? null)),
          range(runs.map((r) => r.pool?.distanceRidge ?? null)),
          range(runs.map((r) => r.fresh.error)),
        ]);
      }),
    );
    el<HTMLTableElement>("longer-table").tBodies[0]!.replaceChildren(
      ...f.longer.map((m) =>
        tableRow([
          poolLabel(m.taskPool),
          `${m.steps.toLocaleString("en")} → ${m.longerSteps.toLocaleString("en")}`,
          spread(m.before),
          spread(m.after),
          m.change ? signedRange(m.change) : "–",
          m.evidence.decided ? (m.change!.mean < 0 ? "toward dMMSE" : "toward ridge") : "no",
        ]),
      ),
    );
    el("longer").hidden = f.longer.length === 0;
    const c = s.config;
    const noise = (c.task as { noiseStd?: number } | undefined)?.noiseStd;
    const wall = s.runs.reduce((a, r) => a + r.wallSeconds, 0);
    const seeds = new Set(s.runs.map((r) => r.seed)).size;
    el("sweep-config").textContent =
      `The sweep's settings (also used to train from scratch): noisy linear regression, d = ${c.dims}, ${c.points} examples per prompt, σ = ${noise ?? "?"}, ` +
      `${c.preset ?? DEFAULTS.preset} ${MODEL_NAMES[c.model ?? DEFAULTS.model]}, ${c.tokens ?? DEFAULTS.tokens} tokens, batch ${c.batchSize}, learning rate ${c.learningRate}, ` +
      `${steps.toLocaleString("en")} steps per run, ${seeds} seeds` +
      (lengths.length > 1
        ? ` (and ${lengths
            .slice(1)
            .map((l) => l.toLocaleString("en"))
            .join(", ")} steps for some M)`
        : "") +
      `; ${s.runs.length} runs took ${Math.round(wall / 60)} min natively.`;
  }
}
