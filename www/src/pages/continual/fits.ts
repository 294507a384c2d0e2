/**
 * Which continual streams and datasets can run together (a permuted stream needs more input
 * features than 2-D points have), from the catalog's `minFeatures` and `features`; the page
 * offers only those.
 */
import { CATALOG, type Kind } from "iclab";

const { continual } = CATALOG;

/** The dataset kind a dataset menu value stands for (a 2-D shape, or a dataset's own kind). */
const datasetKind = (value: string): string =>
  continual.datasets.find((d) => d.kind === value)?.kind ??
  continual.datasets.find((d) => d.defaults.shape !== undefined)!.kind;

/**
 * Whether a stream can run on a dataset: it needs at least its fewest features (a permuted stream
 * needs more than 2-D points have); a dataset whose features are known only from its data fits.
 */
function fits(scenarioKind: string, datasetValue: string): boolean {
  const features = continual.features[datasetKind(datasetValue)];
  return features === undefined || features >= (continual.minFeatures[scenarioKind] ?? 1);
}

/**
 * Offers only what can run together: a stream that the dataset on screen cannot feed, and a
 * dataset the stream on screen cannot run on, are disabled with why, so a setting that cannot
 * apply is never chosen (and never discards results).
 */
export function offerWhatFits(form: HTMLFormElement, datasetValue: string, scenario: Kind): void {
  const needs = (kind: string) =>
    `needs more than ${(continual.minFeatures[kind] ?? 1) - 1} input features`;
  for (const option of form.querySelectorAll<HTMLOptionElement>("select[name=scenario] option")) {
    option.disabled = !fits(option.value, datasetValue);
    option.title = option.disabled ? `${needs(option.value)}: choose such a dataset first` : "";
  }
  for (const option of form.querySelectorAll<HTMLOptionElement>("select[name=dataset] option")) {
    option.disabled = !fits(scenario.kind, option.value);
    option.title = option.disabled ? `the ${scenario.title} stream ${needs(scenario.kind)}` : "";
  }
}
