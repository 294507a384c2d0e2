/** Each method's line on the charts: its colour and whether it is dashed, from the core's order. */
import { CATALOG } from "iclab";

/** A method's line: its colour, and whether it is dashed as well. */
interface Style {
  colour: string;
  dashed: boolean;
}

/**
 * Styles by the core's own order, so a new choice gets a distinct line with no edit here: the
 * model is always blue; backbones and token layouts take their palette in the order the catalog
 * lists them; the baselines take theirs in the order of `CATALOG.icl.baselines` (iterative
 * solvers and close relatives dashed as well, so no two curves differ by hue alone), and past
 * its end the palette starts again with the dash flipped.
 */
const BACKBONE_COLOURS = ["#2563eb", "#ea580c", "#7c3aed", "#0e7490"];
const TOKEN_COLOURS = ["#b45309", "#2563eb", "#7c3aed"];
const solid = (colour: string): Style => ({ colour, dashed: false });
const dash = (colour: string): Style => ({ colour, dashed: true });
const BASELINE_STYLES: readonly Style[] = [
  solid("#6b7280"),
  solid("#dc2626"),
  solid("#0d9488"),
  solid("#16a34a"),
  solid("#9333ea"),
  solid("#0891b2"),
  dash("#ca8a04"),
  dash("#db2777"),
  solid("#4d7c0f"),
  solid("#7c2d12"),
  dash("#475569"),
  solid("#be123c"),
  dash("#0f766e"),
];

function cycled(palette: readonly string[], i: number): string {
  return palette[i % palette.length] ?? "#64748b";
}

const STYLES: ReadonlyMap<string, Style> = new Map<string, Style>([
  ...CATALOG.icl.baselines.map((name, i): [string, Style] => {
    const base = BASELINE_STYLES[i % BASELINE_STYLES.length] as Style;
    const again = Math.floor(i / BASELINE_STYLES.length) % 2 === 1;
    return [name, { colour: base.colour, dashed: base.dashed !== again }];
  }),
  ...CATALOG.icl.tokens.map((t, i): [string, Style] => [t, solid(cycled(TOKEN_COLOURS, i))]),
  ...CATALOG.icl.models.map((m, i): [string, Style] => [
    m.kind,
    solid(cycled(BACKBONE_COLOURS, i)),
  ]),
  ["model", solid("#2563eb")],
]);

export function colour(name: string): string {
  return STYLES.get(name)?.colour ?? "#64748b";
}

export function dashed(name: string): boolean {
  return STYLES.get(name)?.dashed ?? false;
}
