/** The drawing page's settings: each a URL parameter (the points themselves are `p=x,y;x,y`). */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";

/** Draw a prompt (`draw.html`). */
export const DRAW = {
  task: {
    type: "enum",
    values: CATALOG.icl.tasks.map((t) => t.kind),
    default: CATALOG.icl.defaults.task.kind,
    doc: "the function class the d = 1 model was trained on (a class without a shipped d = 1 model says so)",
  },
  range: {
    type: "enum",
    values: ["3", "6", "12"],
    default: "3",
    doc: "half-width of both axes (training inputs fall within about ±2)",
  },
} as const satisfies Table;
