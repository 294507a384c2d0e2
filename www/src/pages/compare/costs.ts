/**
 * What the compare page says about the two backbones' inference costs: per model, its state and
 * work at the end of the task's prompt, and the token past which its state is the larger one;
 * in a sentence. The numbers are the core's (`inferenceCost`); this file only reads them.
 */
import type { Backbone, InferenceCost } from "iclab";
import { MODEL_NAMES } from "../../shell/checkpoints.js";

/** One model's costs at the end of the prompt, and where its state overtakes another's. */
export interface CostSummary {
  tokens: number;
  stateFirst: number;
  stateLast: number;
  workFirst: number;
  workLast: number;
  /** The token past which this model's state is larger than another's, and whose. */
  crossover: number | null;
  smaller: string | null;
}

/** The first token from which `a`'s state stays larger than `b`'s, having started no larger. */
function crossover(a: number[], b: number[]): number | null {
  if ((a[0] ?? 0) > (b[0] ?? 0)) return null;
  let from: number | null = null;
  a.forEach((v, k) => {
    if (v > (b[k] ?? Infinity)) from ??= k + 1;
    else from = null;
  });
  return from;
}

/**
 * Reads `costs` (one per model, over the same tokens) at the end of a prompt of `prompt` tokens:
 * the summary per model and the sentence under the cost charts (`params`: each model's
 * parameter count in words, where known).
 */
export function readCosts(
  costs: InferenceCost[],
  prompt: number,
  params: string[],
): { summary: Record<string, CostSummary>; sentence: string } {
  const xs = costs[0]?.tokens ?? [];
  const last = (v: number[]) => v[v.length - 1] ?? 0;
  const at = (v: number[]) => v[Math.min(prompt, v.length) - 1] ?? 0;
  const summary: Record<string, CostSummary> = {};
  for (const c of costs) {
    const crossings = costs
      .filter((o) => o !== c)
      .map((o) => ({ at: crossover(c.stateFloats, o.stateFloats), other: o.model }))
      .filter((x): x is { at: number; other: Backbone } => x.at !== null)
      .sort((p, q) => p.at - q.at);
    summary[c.model] = {
      tokens: prompt,
      stateFirst: c.stateFloats[0] ?? 0,
      stateLast: at(c.stateFloats),
      workFirst: c.multiplyAdds[0] ?? 0,
      workLast: at(c.multiplyAdds),
      crossover: crossings[0]?.at ?? null,
      smaller: crossings[0]?.other ?? null,
    };
  }
  const kept = costs.map((c, i) => {
    const grows = (c.stateFloats[1] ?? 0) - (c.stateFloats[0] ?? 0);
    const floats = `${summary[c.model]?.stateLast.toLocaleString()}${i === 0 ? " floats" : ""}`;
    const how = grows > 0 ? `growing by ${grows.toLocaleString()} per token` : "fixed";
    return `${i === 0 ? "" : "the "}${MODEL_NAMES[c.model]}${i === 0 ? " keeps" : ""} ${floats} (${how})`;
  });
  // each crossing once (two growing caches pass the same fixed state at the same token)
  const crossings = costs
    .map((c) => summary[c.model])
    .filter((x) => x?.crossover && x.smaller)
    .map(
      (x) =>
        `past ${(x?.crossover ?? 1) - 1} tokens the ${MODEL_NAMES[x?.smaller as Backbone]}'s state is the smaller one`,
    )
    .filter((line, i, all) => all.indexOf(line) === i);
  const sentence =
    `After this task's ${prompt} tokens the ${kept.join(", ")}` +
    (crossings.length ? `; ${crossings.join("; ")}.` : ".") +
    (last(xs) > prompt
      ? ` The cost charts continue to ${last(xs)} tokens for models of the same width and depth.`
      : "") +
    (params.length ? ` ${params.join(", ")}.` : "");
  return { summary, sentence };
}
