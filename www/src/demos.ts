/**
 * The embeddable demos: `kind` of `<iclab-demo>`, their page and their settings table (each in
 * its page's folder). The embed element, the share dialog and the teachers page's parameter
 * reference read them from here.
 */
import { CLASSIFY } from "./pages/classify/table.js";
import { COMPARE } from "./pages/compare/table.js";
import { CONTINUAL } from "./pages/continual/table.js";
import { DIVERSITY } from "./pages/diversity/table.js";
import { DRAW } from "./pages/draw/table.js";
import { FEDERATED } from "./pages/federated/table.js";
import { MARKOV } from "./pages/markov/table.js";
import { ICL } from "./pages/icl/table.js";
import { PLASTICITY } from "./pages/plasticity/table.js";

export const DEMOS = {
  icl: { page: "icl.html", title: "In-context regression", table: ICL },
  compare: { page: "compare.html", title: "Transformer vs xLSTM", table: COMPARE },
  draw: { page: "draw.html", title: "Draw a prompt", table: DRAW },
  diversity: { page: "diversity.html", title: "Task diversity", table: DIVERSITY },
  classify: { page: "classify.html", title: "In-context or in-weights", table: CLASSIFY },
  continual: { page: "continual.html", title: "Continual learning", table: CONTINUAL },
  federated: { page: "federated.html", title: "Learn apart, merge together", table: FEDERATED },
  plasticity: { page: "plasticity.html", title: "Learners that stop learning", table: PLASTICITY },
  markov: { page: "markov.html", title: "Markov chains in context", table: MARKOV },
} as const;
export type DemoKind = keyof typeof DEMOS;
