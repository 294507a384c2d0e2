/**
 * What the in-context page says about the function class on screen: a paragraph per class (what
 * it is, which estimator is best or usual for it, what the papers found at their scale). The
 * paragraphs state the papers' findings as theirs; the sentence read off the curves actually
 * drawn is the core's (`Evaluation.reading`), so the text never claims what the chart contradicts.
 */
import { type Backbone, CATALOG } from "iclab";
import { MODEL_NAMES } from "../../shell/checkpoints.js";
import { TARGET_ERROR } from "./target.js";

/** Per class: what a visitor should know to read the chart. */
export const CLASS_TEXT: Record<string, string> = {
  linear:
    "Linear functions f(x) = wᵀx, with w drawn afresh for every prompt. Least squares is the best possible " +
    "estimator: it pins f down exactly once it has d examples (for fewer, its error falls as 1 − k/d). Averaging " +
    "y·x over the examples and a few steps of gradient descent are simpler learners that never get there. Garg et " +
    "al.'s 12-layer transformer at d = 20 tracked least squares closely.",
  sparse_linear:
    "Only a few coordinates of w are non-zero (the sparsity s). Least squares ignores that and needs d examples to " +
    "be exact; Lasso looks for a sparse w, so just below k = d it is already closer, though its penalty keeps it " +
    "from ever being exact. Garg et al.'s 12-layer model at d = 20, " +
    "trained for 500k steps, came close to Lasso and beat least squares below k = d. A small model trained briefly " +
    "need not: the sentence under the chart says which is lower here.",
  noisy_linear:
    "Linear functions whose every output carries Gaussian noise of standard deviation σ, so no estimator reaches 0. " +
    'Ridge regression with λ = σ² (the curve "ridge, λ = σ²") is the best possible (Bayes-optimal) answer; least squares fits the noise and is ' +
    "worst near k = d, where it interpolates the examples exactly.",
  relu_net:
    "Random two-layer ReLU networks with 100 hidden units. No simple estimator is optimal here; Garg et al. compare " +
    "with the same kind of network trained on the prompt's examples by gradient descent, with k-nearest neighbours " +
    "and with averaging; the sentence under the chart says which is lowest here.",
  decision_tree:
    "Random depth-4 decision trees that split on the sign of a coordinate, with a random value at each leaf. Greedy " +
    "tree learning and k-nearest neighbours are the references; in Garg et al. the trained transformer beat both. " +
    "Errors here are divided by 1 (the leaf values' variance), not by d.",
  ill_conditioned:
    "Linear functions whose inputs come from a skewed Gaussian (a large condition number). Least squares is still " +
    "optimal, but gradient descent slows down in the flat directions while iterative Newton does not; Fu et al. " +
    "found that a trained transformer's layers behave like Newton's iterations.",
  quadratic:
    "Quadratic functions f(x) = Σ wᵢ xᵢ² / √3. No linear estimator can fit them: least squares on the raw inputs " +
    "finds nothing to fit and blows up near k = d, where it interpolates the examples exactly; k-nearest " +
    "neighbours makes no assumption about the shape.",
};

/** The class's own paragraph, with its one-line description from the catalog as a fallback. */
export function classText(kind: string): string {
  return CLASS_TEXT[kind] ?? CATALOG.icl.tasks.find((t) => t.kind === kind)?.description ?? "";
}

/**
 * The status line when the page is ready: a loaded model (the visitor's or the shipped one, and
 * its step), or a blank one and what training it from scratch will show.
 */
export function idleText(
  state: { model: string; tokens: string; task: string; dims: number },
  loaded: { yours: boolean; step: number } | null,
): string {
  if (loaded)
    return `${loaded.yours ? "Your" : "Shipped"} model loaded, meta-trained for ${loaded.step.toLocaleString("en")} steps. Press Train a blank model to watch one learn.`;
  const scratch = CATALOG.icl.fromScratch;
  return (
    `Press Train to meta-train a blank ${MODEL_NAMES[state.model as Backbone]} on this function class.` +
    (state.tokens === scratch.tokens && state.task === scratch.task.kind
      ? ` With paired tokens it usually learns in context within a thousand steps: watch the error with ${2 * state.dims} examples fall to ${TARGET_ERROR}.`
      : "")
  );
}
