/**
 * Landing page: the in-context figure is drawn from the shipped checkpoint's own evaluation log
 * (`checkpoints/linear.log.json`, written by the CLI when it trained the model), so the figure is
 * the model the demo loads, not an illustration.
 */
import { CATALOG, type ResolvedSessionConfig } from "iclab";
import "./style.css";

interface Curve {
  mean: number[];
}
interface Log {
  steps: number;
  config: ResolvedSessionConfig;
  evaluation: { dims: number; points: number; prompts: number; curves: Record<string, Curve> };
}

const SVG = "http://www.w3.org/2000/svg";
const SERIES: [name: string, label: string][] = [
  ["model", "shipped transformer"],
  ["least_squares", "least squares"],
  ["averaging", "averaging"],
];

function node<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function draw(svg: SVGSVGElement, log: Log): void {
  const [x0, x1, y0, y1] = [60, 440, 260, 20];
  const yMax = 1.2;
  const n = log.evaluation.points;
  const sx = (k: number): number => x0 + ((x1 - x0) * k) / Math.max(1, n - 1);
  const sy = (v: number): number => y0 - ((y0 - y1) * Math.min(v, yMax)) / yMax;
  const parts: SVGElement[] = [
    node("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }),
    node("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "axis" }),
    node("text", { x: (x0 + x1) / 2, y: 292, class: "caption" }, "examples in the prompt (k)"),
    node("text", { x: 16, y: sy(1) + 4, class: "tick" }, "1"),
    node("text", { x: 16, y: sy(0) + 4, class: "tick" }, "0"),
    node("line", { x1: x0, y1: sy(1), x2: x1, y2: sy(1), class: "grid" }),
  ];
  for (const k of [0, Math.floor((n - 1) / 2), n - 1]) parts.push(node("text", { x: sx(k), y: 276, class: "tick" }, String(k)));
  SERIES.forEach(([name, label], i) => {
    const curve = log.evaluation.curves[name];
    if (!curve) return;
    const points = curve.mean.map((v, k) => `${sx(k).toFixed(1)},${sy(v).toFixed(1)}`).join(" ");
    parts.push(node("polyline", { points, class: `series s${i}` }));
    parts.push(node("line", { x1: 455, y1: 40 + 24 * i, x2: 485, y2: 40 + 24 * i, class: `series s${i}` }));
    parts.push(node("text", { x: 491, y: 44 + 24 * i, class: "legend" }, label));
  });
  svg.append(...parts);
}

async function main(): Promise<void> {
  const svg = document.getElementById("icl-figure") as SVGSVGElement | null;
  const caption = document.getElementById("icl-figure-caption");
  if (!svg || !caption) return;
  try {
    const response = await fetch("./checkpoints/linear.log.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const log = (await response.json()) as Log;
    draw(svg, log);
    const d = log.evaluation.dims;
    const preset = CATALOG.icl.models.find((m) => m.kind === log.config.model)?.presets[log.config.preset];
    const layers = log.config.layers ?? preset?.layers;
    caption.textContent =
      `Error vs number of examples k for linear functions in d = ${d} dimensions (normalized: 1 = always answering 0), ` +
      `on ${log.evaluation.prompts.toLocaleString()} new prompts. The transformer is the one the demo ships, a ${layers}-layer ` +
      `model meta-trained for ${log.steps.toLocaleString()} steps. Least squares needs k = ${d} examples to pin the ` +
      `function down; averaging the examples never does (its curve is cut off at 1.2).`;
    document.body.dataset.figure = "drawn";
  } catch (error) {
    caption.textContent = `The figure could not be drawn: ${String(error)}`;
  }
}

// Links shared before the landing page existed pointed at index.html with the in-context demo's
// settings; they still open that demo with those settings.
if (location.search.length > 1) location.replace(`./icl.html${location.search}`);
else void main();
