// Generated from the Rust schema by crate/src/catalog/tests.rs (`npm run generate`); do not edit.

/**
 * Everything a session needs; also the CLI's `--config` file format.
 */
export type SessionConfig = {
  /**
   * Function class prompts are drawn from, with its parameters (`{ kind: "sparse_linear",
   * sparsity: 3 }`); a bare name (`"linear"`) is that class with its default parameters.
   * Default: `{ kind: "linear" }`.
   */
  task: TaskConfig,
  /**
   * Backbone. Default: `transformer`.
   */
  model: Backbone,
  /**
   * Model size preset. Default: `tiny`.
   */
  preset: Preset,
  /**
   * How prompts become tokens: `interleaved` (`[x_1, y_1, …]`, the reference layout of Garg
   * et al.) or `paired` (one token `[x_i ; x_{i−1} ; y_{i−1}]` per example: learns without
   * the reference's loss plateau, on half the tokens). Default: `interleaved`, so results
   * compare with the papers.
   */
  tokens: TokenLayout,
  /**
   * Overrides the preset's number of blocks.
   */
  layers: number | null,
  /**
   * mLSTM:sLSTM ratio `[a, b]` of an xLSTM stack (xLSTM[a:b]): block `i` is an sLSTM block
   * when `i mod (a + b) ≥ a`. Default: `[1, 1]`, alternating. Ignored by the transformer.
   */
  xlstmRatio: [number, number],
  /**
   * The transformer MLPs' nonlinearity: `gelu_tanh` (GPT-2's `gelu_new`, the reference's),
   * `gelu` (exact) or `relu`. Default: `gelu_tanh`. Ignored by the xLSTM.
   */
  activation: Activation,
  /**
   * Overrides the preset's residual width (a multiple of `heads`).
   */
  dModel: number | null,
  /**
   * Overrides the preset's attention heads.
   */
  heads: number | null,
  /**
   * Input dimension d. Default: 5, the curriculum's starting dimension in Garg et al.
   */
  dims: number,
  /**
   * (x, y) pairs per prompt. Default: 11 = 2d + 1, the curriculum's starting length.
   */
  points: number,
  /**
   * Prompts per step. Default: 64, as in the reference.
   */
  batchSize: number,
  /**
   * Adam learning rate. Default: 1e-3, stable for `tiny` at d = 5 (the reference's 1e-4 is
   * for its 12-layer model and 500k steps).
   */
  learningRate: number,
  /**
   * Steps of linear learning-rate warmup. Default: 100.
   */
  warmupSteps: number,
  /**
   * Steps of cosine decay (to 10% of the rate) after warmup; 0 keeps the rate constant, as
   * in the reference. Default: 0.
   */
  decaySteps: number,
  /**
   * Grow active dimensions and prompt length during training (SCIENCE.md §1); `null` trains
   * on the final `dims` and `points` from the start. Default: `null`.
   */
  curriculum: Curriculum | null,
  /**
   * Gradient-norm clip per parameter tensor; 0 turns it off. Default: 1.0.
   */
  gradClip: number,
  /**
   * Task diversity (SCIENCE.md §5): draw each training prompt's function from a pool of this
   * many tasks, fixed by the seed (Raventós et al.'s M); `null` draws a fresh task for every
   * prompt (M = ∞). Default: `null`.
   */
  taskPool: number | null,
  /**
   * Where to train. Default: `auto`.
   */
  device: DeviceChoice,
  /**
   * Seeds the data stream and the weight initialization; same seed, same losses.
   */
  seed: number,
};

/**
 * The function classes a config can name.
 */
export type TaskKind = "linear" | "sparse_linear" | "noisy_linear" | "relu_net" | "decision_tree" | "ill_conditioned" | "quadratic";

/**
 * A function class with its parameters (JS and CLI schema), tagged by `kind`:
 * `{ "kind": "sparse_linear", "sparsity": 3 }`.
 */
export type TaskConfig = { "kind": "linear" } & LinearRegression | { "kind": "sparse_linear" } & SparseLinear | { "kind": "noisy_linear" } & NoisyLinear | { "kind": "relu_net" } & ReluNet | { "kind": "decision_tree" } & DecisionTree | { "kind": "ill_conditioned" } & IllConditionedLinear | { "kind": "quadratic" } & QuadraticRegression;

/**
 * No parameters.
 */
export type LinearRegression = Record<symbol, never>;

export type SparseLinear = {
  /**
   * Non-zero coordinates of `w` (1–dims). Default 3, as in Garg et al.
   */
  sparsity: number,
};

export type NoisyLinear = {
  /**
   * Output noise standard deviation σ (0–100). Default 1, the reference's OOD test.
   */
  noiseStd: number,
};

/**
 * No parameters in the config: the reference's 100 hidden units.
 */
export type ReluNet = {
};

/**
 * No parameters in the config: the reference's depth 4.
 */
export type DecisionTree = {
};

export type IllConditionedLinear = {
  /**
   * Condition number κ of Σ (1–1e8). Default 100.
   */
  conditionNumber: number,
};

/**
 * No parameters.
 */
export type QuadraticRegression = Record<symbol, never>;

/**
 * Which learner backbone to train.
 */
export type Backbone = "transformer" | "xlstm";

/**
 * Named model sizes ([`Backbone::shape`] says what each is for each backbone); explicit
 * `layers`/`dModel`/`heads` override them.
 */
export type Preset = "tiny" | "small";

/**
 * The nonlinearity of the transformer's MLPs.
 */
export type Activation = "gelu_tanh" | "gelu" | "relu";

/**
 * How prompts are laid out as tokens; part of the model's config (and of every checkpoint).
 */
export type TokenLayout = "interleaved" | "paired";

export type Curriculum = {
  /**
   * Active dimensions at step 0. Reference: 5.
   */
  dimsStart: number,
  /**
   * Added every `interval` steps. Reference: 1.
   */
  dimsIncrement: number,
  /**
   * Prompt pairs at step 0. Reference: 11 (linear), 26 (ReLU nets, trees).
   */
  pointsStart: number,
  /**
   * Added every `interval` steps. Reference: 2 (linear), 5 (ReLU nets, trees).
   */
  pointsIncrement: number,
  /**
   * Steps between increments. Reference: 2,000; browser-scale runs use a few hundred.
   */
  interval: number,
};

/**
 * What the user asked for.
 */
export type DeviceChoice = "auto" | "webgpu" | "cpu";

/**
 * What actually runs.
 */
export type DeviceKind = "webgpu" | "cpu";

/**
 * Reported with the first training report and by `capabilities()`.
 */
export type DeviceInfo = {
  /**
   * What was asked for.
   */
  requested: DeviceChoice,
  /**
   * What runs.
   */
  kind: DeviceKind,
  /**
   * The GPU adapter's name, when one was found (even if it was not used).
   */
  adapter: string | null,
  /**
   * Why `auto` did not use WebGPU, in plain words; `None` when WebGPU runs or CPU was asked for.
   */
  fallbackReason: string | null,
};

/**
 * A GPU adapter as the platform describes it, before burn opens it.
 */
export type AdapterProbe = {
  name: string,
  /**
   * A software rasterizer (SwiftShader, lavapipe): usable but far slower than the CPU backend.
   */
  isFallback: boolean,
};

/**
 * Whether WebGPU is usable here, and if not why; `capabilities()` in JS.
 */
export type Capabilities = {
  /**
   * An adapter exists (it may be a software one).
   */
  webgpuAvailable: boolean,
  /**
   * `auto` would train on WebGPU.
   */
  webgpuPreferred: boolean,
  adapter: AdapterProbe | null,
  /**
   * Why `auto` would (or would not) use WebGPU, in one sentence for people.
   */
  reason: string,
};

/**
 * A session as the JS API describes it: what `createSession` and `loadSession` resolve to.
 */
export type SessionInfo = {
  /**
   * Its id in the worker.
   */
  id: number,
  /**
   * The resolved config: every default filled in.
   */
  config: SessionConfig,
  deviceInfo: DeviceInfo,
  numParams: number,
  /**
   * Training steps behind the model (non-zero for a loaded checkpoint).
   */
  step: number,
};

/**
 * One report per `train(n)` call: everything is a plain number, read back once.
 */
export type Report = {
  /**
   * Steps trained so far in this session.
   */
  step: number,
  /**
   * Mean training loss (all-prefix MSE) over the steps since the previous report.
   */
  loss: number,
  /**
   * `loss` divided by the zero estimator's expected loss, so 1 means "learned nothing".
   */
  normalizedLoss: number,
  /**
   * Active input dimensions (curriculum) at the last step.
   */
  activeDims: number,
  /**
   * Prompt pairs (curriculum) at the last step.
   */
  points: number,
  /**
   * Learning rate of the last step.
   */
  learningRate: number,
  /**
   * What runs.
   */
  device: DeviceKind,
  /**
   * Milliseconds spent training in this session so far (excludes time between calls).
   */
  elapsedMs: number,
  /**
   * Steps per second over this report's steps.
   */
  stepsPerSecond: number,
  /**
   * Full device details; present on the session's first report only.
   */
  deviceInfo?: DeviceInfo,
};

/**
 * What to evaluate on and against.
 */
export type EvalConfig = {
  /**
   * Prompts averaged over. Default 1,280, the reference.
   */
  prompts: number,
  /**
   * Distribution of the evaluation prompts. Default: in distribution.
   */
  probe: Probe,
  /**
   * Input scale for `probe: "scaled"`. Default 2.
   */
  probeScale: number,
  /**
   * Extra output noise σ for `probe: "noisy"`. Default 1, the reference.
   */
  probeNoise: number,
  /**
   * Baselines computed on the same prompts. Default: least squares only. The zero estimator
   * (`zero`) is computed whether listed or not.
   */
  baselines: Array<BaselineKind>,
  /**
   * Baseline settings.
   */
  options: BaselineOptions,
  /**
   * Seeds the prompts; the same seed gives the same prompts (and baselines). Default: derived
   * from the session seed.
   */
  seed: number | null,
  /**
   * Include the raw predictions for the first `examples` prompts (single-prompt view).
   * Default 0.
   */
  examples: number,
  /**
   * Fresh tasks or the training pool's. Default: fresh.
   */
  tasks: EvalTasks,
};

/**
 * Which tasks the evaluation prompts use (SCIENCE.md §5).
 */
export type EvalTasks = "fresh" | "pool";

/**
 * Which distribution evaluation prompts come from.
 */
export type Probe = "none" | "skewed" | "random_quadrants" | "opposite_quadrants" | "scaled" | "noisy";

/**
 * The baselines an evaluation can ask for; JSON curves are keyed by these names.
 */
export type BaselineKind = "zero" | "least_squares" | "ridge" | "knn" | "averaging" | "lasso" | "gd" | "newton" | "relu_net" | "tree" | "boosted_trees" | "dmmse" | "bayes_ridge";

/**
 * Settings of the baselines; each is read only by the baseline it names.
 */
export type BaselineOptions = {
  /**
   * Ridge α. Default 0.1, the smallest of the reference's {0.1, 0.5, 1}.
   */
  ridgeAlpha: number,
  /**
   * Neighbours for k-NN. Default 3, as in Garg et al. (Akyürek et al. use 5).
   */
  knnNeighbors: number,
  /**
   * Lasso α. Default 0.01, near the best of the reference sweep on sparse linear.
   */
  lassoAlpha: number,
  /**
   * Most coordinate-descent sweeps per Lasso fit, 1 to 100,000 (the reference's cap). Default
   * 10,000; a fit that reaches it before its tolerance is counted in the result's
   * `stoppedEarly`.
   */
  lassoSweeps: number,
  /**
   * Gradient-descent steps T (step size 1/λ_max of `XᵀX/k`). Default 10.
   */
  gdSteps: number,
  /**
   * Iterative Newton iterations T. Default 20: converged on isotropic prompts except right
   * around k ≈ d, where `XᵀX` is nearly singular and Newton–Schulz needs ~log₂ κ² steps.
   */
  newtonSteps: number,
  /**
   * Hidden units of the per-prompt ReLU net. Default 100, the width of the function class.
   */
  netHidden: number,
  /**
   * Adam steps of the per-prompt ReLU net. Default 100 (reference).
   */
  netSteps: number,
  /**
   * Adam learning rate of the per-prompt ReLU net. Default 5e-3 (reference).
   */
  netLearningRate: number,
  /**
   * Depth of the greedy tree and of each boosted tree. Default 4, the depth of the class.
   */
  treeDepth: number,
  /**
   * Boosting rounds. Default 50.
   */
  boostRounds: number,
  /**
   * Boosting shrinkage. Default 0.3 (XGBoost's default eta).
   */
  boostLearningRate: number,
};

/**
 * Error-vs-k curves on one set of prompts.
 */
export type EvalResult = {
  task: TaskKind,
  probe: Probe,
  dims: number,
  points: number,
  prompts: number,
  /**
   * The model's training step, when a model was evaluated.
   */
  step: number | null,
  /**
   * What squared errors were divided by (d, s or 1, SCIENCE.md §1). The zero estimator's own
   * curve (`zero`) says what answering 0 scores on these prompts: 1 only in distribution on the
   * noiseless classes.
   */
  normalizer: number,
  /**
   * One curve per method; entry i of `mean` is the error after i in-context examples.
   */
  curves: { [key in string]: ErrorCurve },
  /**
   * With a model: per baseline, the model's distance to it after i examples — the mean
   * squared difference of their predictions, divided by the same normalizer (Raventós et al.
   * plot it against dMMSE and ridge).
   */
  distances?: { [key in string]: Array<number> },
  /**
   * With a model, dMMSE and ridge: where the model sits between the two, against their own
   * distance (docs/SCIENCE.md §5).
   */
  position?: Position | null,
  /**
   * With a model: what the curves say at k = d and at the largest k, the model against its
   * nearest rival (the sentence the in-context page shows; `readCurves` reads merged curves).
   */
  reading?: Reading | null,
  /**
   * Which tasks the prompts used.
   */
  tasks: EvalTasks,
  /**
   * Per baseline, the fits that reached their iteration cap before their convergence
   * tolerance (Lasso's `lassoSweeps`): their predictions are the iterate where they stopped.
   */
  stoppedEarly?: { [key in string]: number },
  /**
   * The first `examples` prompts in full.
   */
  examples?: Array<Example>,
};

/**
 * Raw numbers of one prompt, for the single-prompt view.
 */
export type Example = {
  /**
   * Query inputs, `[points][dims]`: entry k is predicted after k examples.
   */
  xs: Array<Array<number>>,
  /**
   * True outputs at the queries.
   */
  targets: Array<number>,
  /**
   * Each method's predictions at the queries, keyed like the curves.
   */
  predictions: { [key in string]: Array<number> },
};

/**
 * Entry `i` is the error of the prediction made after seeing `i` examples.
 */
export type ErrorCurve = {
  mean: Array<number>,
  /**
   * 5% bootstrap quantile of the mean.
   */
  lower: Array<number>,
  /**
   * 95% bootstrap quantile of the mean.
   */
  upper: Array<number>,
};

/**
 * What a layer analysis is computed on.
 */
export type LayersConfig = {
  /**
   * Prompts every layer's predictions are scored on (in distribution, fresh tasks).
   * Default 512.
   */
  prompts: number,
  /**
   * Held-out prompts the probes are fitted on: a stream of their own, separate from the
   * scoring prompts and from training. Default 1,024.
   */
  fitPrompts: number,
  /**
   * Newton is compared after 0, 1, …, `newtonMax` iterations. Default 24 (Fu et al. compare
   * 1–23).
   */
  newtonMax: number,
  /**
   * Gradient descent is compared at step counts growing by √2 from 1 up to `gdMax`.
   * Default 65,536: with the reference's small fixed step, GD needs tens of thousands of
   * steps to reach least squares at these sizes.
   */
  gdMax: number,
  /**
   * Gradient descent's fixed step size on the summed loss `½‖Xw − y‖²`, one for every prompt
   * and k. Default 0.01, Fu et al.'s (`eval_similarity.py`).
   */
  gdStep: number,
  /**
   * Ridge strength of the probes, relative to the mean squared feature:
   * `(ZᵀZ + λ·tr(ZᵀZ)/D·I) w = Zᵀy`. Default 1e-4 (a stabilizer, not a prior).
   */
  probeRidge: number,
  /**
   * Seeds both prompt sets. Default: derived from the session seed.
   */
  seed: number | null,
};

/**
 * A written prompt to answer.
 */
export type AnswerConfig = {
  /**
   * The prompt's examples in the order the model reads them, each `[x₁, …, x_d, y]`; at most
   * the model's `points − 1` (the last position holds the query).
   */
  examples: Array<Array<number>>,
  /**
   * The inputs to answer, each `[x₁, …, x_d]`: the model reads each one after all the
   * examples.
   */
  queries: Array<Array<number>>,
  /**
   * Instead of `examples` and `queries`: a table as text, one row per line, numbers separated
   * by commas, tabs, semicolons or spaces; a row of d + 1 numbers is an example, a row of d a
   * query; a first row that is not numbers is a header; blank lines and `#` lines are skipped.
   */
  table: string | null,
  /**
   * Baselines fitted to the same examples. Default: the model's function class's reference
   * baselines.
   */
  baselines: Array<BaselineKind> | null,
  /**
   * Baseline settings.
   */
  options: BaselineOptions,
};

/**
 * What the model and the baselines answer.
 */
export type Answer = {
  /**
   * The examples read (from `examples` or the table), each `[x₁, …, x_d, y]`.
   */
  examples: Array<Array<number>>,
  /**
   * The queries answered, each `[x₁, …, x_d]`.
   */
  queries: Array<Array<number>>,
  /**
   * The model's answer at each query.
   */
  model: Array<number>,
  /**
   * Each baseline's answer at each query, keyed by its name (`least_squares`, …).
   */
  baselines: { [key in string]: Array<number> },
  /**
   * Where nearly all training inputs fell, per coordinate ([`TYPICAL_RANGE`]).
   */
  typicalRange: [number, number],
  /**
   * Per query: whether any of its coordinates lies outside the typical range.
   */
  outside: Array<boolean>,
};

/**
 * The task's settings (Reddy's defaults in brackets where this default differs: browser scale).
 */
export type BurstyConfig = {
  /**
   * Item dimension D. Default 32 (63).
   */
  dims: number,
  /**
   * Classes K; a multiple of `labels`. Default 128 (512).
   */
  classes: number,
  /**
   * Labels L; more than N/B so a bursty context's labels can differ. Default 16 (32).
   */
  labels: number,
  /**
   * Context pairs N; a multiple of `burstiness`. Default 4 (8).
   */
  pairs: number,
  /**
   * Burstiness B: how many times each class of a bursty context appears. Default 1.
   */
  burstiness: number,
  /**
   * Within-class noise ε. Default 0.1.
   */
  noise: number,
  /**
   * Zipf exponent α of the class frequencies. Default 0 (uniform).
   */
  zipf: number,
  /**
   * Probability that a training sequence is bursty (its query's class in the context).
   * Default 1.
   */
  burstyProb: number,
  /**
   * Probability that a training sequence uses fresh class means. Default 0.
   */
  novelProb: number,
};

/**
 * An experiment: the task, the model's size and the optimizer.
 */
export type ClassifyConfig = {
  task: BurstyConfig,
  /**
   * Default: Reddy's attention-only network.
   */
  backbone: ClassifyBackbone,
  /**
   * Attention layers (the transformer's or xLSTM's blocks). Default 2 (Reddy's).
   */
  layers: number,
  /**
   * Width of the attention-only network's MLP on the query. Default 128 (Reddy's).
   */
  hidden: number,
  /**
   * Residual width of the transformer and the xLSTM. Default 64 (iclab's `tiny`).
   */
  dModel: number,
  /**
   * Heads per layer of the transformer and the xLSTM; divides `dModel`. Default 1 (Reddy's
   * layers have one head each).
   */
  heads: number,
  /**
   * SGD learning rate. Default 0.05 (Reddy's 0.01 is slower at this size).
   */
  learningRate: number,
  /**
   * Sequences per step. Default 128 (Reddy's).
   */
  batchSize: number,
  /**
   * L2 weight decay. Default 0.
   */
  weightDecay: number,
  device: DeviceChoice,
  /**
   * Seeds the world (class means, labels), the initialization and the data stream.
   */
  seed: number,
};

/**
 * One training call's outcome.
 */
export type ClassifyReport = {
  step: number,
  /**
   * Mean cross-entropy over the call's steps.
   */
  loss: number,
};

/**
 * The two evaluations and the attention at the query.
 */
export type ClassifyEvaluation = {
  step: number,
  /**
   * Accuracy on novel classes whose label only the context holds.
   */
  inContext: number,
  /**
   * Accuracy on training classes absent from the context: only memory answers.
   */
  inWeights: number,
  /**
   * 1/L: what guessing scores.
   */
  chance: number,
  /**
   * Reddy's context-label accuracy on the in-context sequences: the mean probability the
   * model puts on labels present in the context (copying any of them scores 1 here). It rises
   * in the first stage, before the induction head picks the right one.
   */
  contextLabelAccuracy: number,
  /**
   * [`emergence_base`]: chance or copying a random context label, whichever is higher.
   */
  base: number,
  /**
   * The in-context accuracy that counts as emerged: halfway from `base` to 1.
   */
  emergenceBar: number,
  /**
   * On the in-context sequences; absent for the xLSTM, which has no attention.
   */
  induction: InductionScores | null,
  /**
   * Every head's attention at the query, layer by layer (empty for the xLSTM).
   */
  queryAttention: Array<QueryAttention>,
  /**
   * Per context pair of the first in-context sequence, whether its item is of the query's
   * class (the pairs an induction head copies from).
   */
  example: Array<boolean>,
  /**
   * [`emergence_step`] over this session's evaluations so far.
   */
  emergenceStep: number | null,
};

/**
 * Whether an induction head formed, read off the attention maps (Reddy's progress measures):
 * in the first layer, how much each label token attends to the item just before it (its pair);
 * in the last layer, how much the query attends to the label tokens whose item is of the
 * query's class (the labels it should copy). With several heads, each score is its best head's.
 */
export type InductionScores = {
  /**
   * Mean over label tokens of layer 1's attention to their own item.
   */
  labelToItem: number,
  /**
   * Mean over sequences of the last layer's attention from the query to the matching labels
   * (summed over those labels).
   */
  queryToMatch: number,
};

/**
 * The backbone a classifier reads the sequence with.
 */
export type ClassifyBackbone = "attention_only" | "transformer" | "xlstm";

/**
 * One head's attention at the query.
 */
export type QueryAttention = {
  /**
   * Layer (block), from 0.
   */
  layer: number,
  /**
   * Head within the layer, from 0.
   */
  head: number,
  /**
   * The query's mean attention over the tokens `x_1, ℓ_1, …, x_N, ℓ_N, x_q` on the
   * in-context sequences (sums to 1).
   */
  weights: Array<number>,
  /**
   * The same row for the first in-context sequence alone ([`ClassifyEvaluation::example`]):
   * where the matching pairs sit is that sequence's own.
   */
  example: Array<number>,
};

/**
 * The in-context classification experiment's schema (docs/SCIENCE.md §4).
 */
export type ClassifyCatalog = {
  backbones: Array<ClassifyBackbone>,
  /**
   * Every setting's default.
   */
  defaults: ClassifyConfig,
  /**
   * The sequences' numbers (`task` of `startClassify`).
   */
  task: { [key in string]: FieldSpec },
  /**
   * `startClassify`'s top-level numbers.
   */
  fields: { [key in string]: FieldSpec },
  /**
   * Sequences per split of `evaluate`.
   */
  prompts: Field,
};

/**
 * The evidence of one finding.
 */
export type Evidence = {
  /**
   * What the margin measures, in words.
   */
  compared: string,
  /**
   * The margin in favour of the stated outcome (its units are the compared quantity's);
   * `null` where there was nothing to compare.
   */
  margin: number | null,
  /**
   * The noise the margin was held against, in the same units.
   */
  noise: number | null,
  noiseSource: NoiseSource,
  /**
   * How many seeds, resamples or test examples the noise comes from.
   */
  samples: number,
  /**
   * Where two explanations could fit: how far apart they are themselves (same units).
   */
  separation?: number | null,
  /**
   * Whether the margin clearly exceeds the noise (and the separation's bar, where there is one).
   */
  decided: boolean,
};

/**
 * Where the noise a margin was compared against comes from.
 */
export type NoiseSource = "seed_range" | "bootstrap" | "binomial" | "evaluation_interval" | "sequence_mean";

/**
 * A mean over seeds with its range.
 */
export type Spread = {
  mean: number,
  min: number,
  max: number,
};

/**
 * Where one model sits between dMMSE and ridge on one set of prompts.
 */
export type Position = {
  /**
   * dMMSE's distance to ridge: the yardstick.
   */
  span: number,
  /**
   * The model's distance to dMMSE and to ridge.
   */
  toDmmse: number,
  toRidge: number,
  /**
   * 0 = dMMSE, 1 = ridge: the projection onto the segment between them (may fall outside
   * [0, 1] when the model is beyond one of them).
   */
  fraction: number,
  /**
   * Squared distance off that segment, in the same units (0: on the line through them).
   */
  offLine: number,
  /**
   * The numbers in words, for a page or the CLI to show as they are.
   */
  description: string,
};

/**
 * The reading of an evaluation with a model.
 */
export type Reading = {
  at: Array<ReadingAtK>,
  statement: string,
};

/**
 * The curves at one k.
 */
export type ReadingAtK = {
  k: number,
  model: number,
  /**
   * The method with the lowest error here (`model` when the model is lowest).
   */
  lowest: string,
  /**
   * The method compared with the model: the lowest, or the runner-up when the model is lowest.
   */
  rival: string,
  /**
   * Margin: |model − rival| (normalized error); noise: the two curves' standard errors
   * combined.
   */
  evidence: Evidence,
};

/**
 * A run's numbers on one set of tasks, each averaged over k.
 */
export type Standing = {
  /**
   * The model's normalized error.
   */
  error: number,
  /**
   * dMMSE's and ridge's errors on the same prompts (`null`: no dMMSE without a pool).
   */
  dmmseError: number | null,
  ridgeError: number,
  /**
   * The model's distance to each: mean squared difference of predictions ÷ d.
   */
  distanceDmmse: number | null,
  distanceRidge: number,
  /**
   * Where the model sits between the two (absent without a pool).
   */
  position: Position | null,
};

/**
 * One (M, seed, steps) run of a sweep.
 */
export type SweepRun = {
  /**
   * M; `null` for a fresh task per prompt.
   */
  taskPool: number | null,
  seed: number,
  steps: number,
  /**
   * The learning-rate schedule's decay length (the sweep's longer runs decay over their own
   * length).
   */
  decaySteps: number,
  finalLoss: number,
  wallSeconds: number,
  /**
   * On the pool's own tasks (absent for M = ∞).
   */
  pool: Standing | null,
  /**
   * On fresh tasks.
   */
  fresh: Standing,
  /**
   * The checkpoint's file name, when the sweep wrote one.
   */
  checkpoint: string | null,
};

/**
 * Which estimator's side of the midpoint a pool size's model sits on.
 */
export type Side = "dmmse" | "ridge";

/**
 * One pool size at one training length, over its seeds, on fresh tasks.
 */
export type PoolCell = {
  taskPool: number,
  steps: number,
  seeds: number,
  /**
   * 0 = dMMSE, 1 = ridge, per seed summarized.
   */
  fraction: Spread,
  /**
   * dMMSE–ridge distance (the yardstick).
   */
  span: Spread,
  offLine: Spread,
  toDmmse: Spread,
  toRidge: Spread,
  /**
   * The side every seed is on, when decided.
   */
  side: Side | null,
  /**
   * Margin: |mean t − ½|; noise: the seeds' half-range of t.
   */
  evidence: Evidence,
};

/**
 * Where the model crosses from dMMSE's side to ridge's, at one training length.
 */
export type Crossover = {
  steps: number,
  /**
   * The largest M decided on dMMSE's side below `from`.
   */
  below: number | null,
  /**
   * The smallest M decided on ridge's side from which every larger M is too.
   */
  from: number | null,
  /**
   * Whether every seed goes from t ≤ ¼ at `below` to t ≥ ¾ at `from`, neighbours in the sweep (a
   * switch), rather than a gradual crossover. `false` when either end is missing.
   */
  switch: boolean,
  /**
   * Decided when both ends exist and are neighbours in the sweep (no undecided M between).
   */
  decided: boolean,
  statement: string,
};

/**
 * Whether longer training moved a pool size's model.
 */
export type Moved = {
  taskPool: number,
  steps: number,
  longerSteps: number,
  before: Spread,
  after: Spread,
  /**
   * Per seed trained at both lengths, the change of its t (longer minus shorter). A seed fixes
   * the pool and the initialization, so each pair differs only in how long it trained. `None`
   * when no seed was trained at both.
   */
  change: Spread | null,
  /**
   * Margin: |mean per-seed change|; noise: the per-seed changes' half-range. Decided only when
   * every seed moved the same way (and at least two did).
   */
  evidence: Evidence,
  statement: string,
};

/**
 * Everything a diversity sweep finds.
 */
export type DiversityFindings = {
  /**
   * Per finite M and training length (sorted by steps, then M).
   */
  cells: Array<PoolCell>,
  /**
   * One per training length.
   */
  crossovers: Array<Crossover>,
  /**
   * Pool sizes trained at more than one length: the shortest against each longer.
   */
  longer: Array<Moved>,
};

/**
 * A sweep as the site ships it (`www/public/diversity/sweep.json`, `iclab icl sweep --out`).
 */
export type DiversitySweep = {
  /**
   * Every command that added runs, in order.
   */
  commands: Array<string>,
  /**
   * The session config of the first command (each run's taskPool, seed and schedule differ).
   */
  config: SessionConfig,
  /**
   * The evaluation both standings use.
   */
  evaluation: EvalConfig,
  runs: Array<SweepRun>,
  findings: DiversityFindings,
};

/**
 * One evaluation of a run, with the mean loss of the steps before it.
 */
export type ClassifyPoint = {
  step: number,
  loss: number,
  inContext: number,
  inWeights: number,
  /**
   * Reddy's context-label accuracy on the in-context sequences (mass on context labels).
   */
  contextLabelAccuracy: number | null,
  /**
   * Reddy's induction scores (absent for the xLSTM).
   */
  labelToItem?: number | null,
  queryToMatch?: number | null,
};

/**
 * Which strategy a run ended with.
 */
export type ClassifyWinner = "in_context" | "copying" | "in_weights" | "both" | "neither";

/**
 * A whole run: its setting, its curve, and what it ended as.
 */
export type ClassifyRunRecord = {
  classes: number,
  burstiness: number,
  noise: number,
  weightDecay: number,
  seed: number,
  steps: number,
  /**
   * Sequences per evaluation split (the sampling error of each accuracy).
   */
  prompts: number,
  /**
   * 1/L.
   */
  chance: number,
  /**
   * What in-context accuracy is without an induction head: max(1/L, B/N).
   */
  base: number,
  curve: Array<ClassifyPoint>,
  /**
   * The first evaluation with in-context accuracy halfway from `base` to perfect.
   */
  emergenceStep: number | null,
  /**
   * The largest in-context accuracy of the run and its step.
   */
  peakInContext: number,
  peakStep: number,
  finalInContext: number,
  finalInWeights: number,
  winner: ClassifyWinner,
  /**
   * The last evaluation (its attention at the query: the heatmap of the run's end).
   */
  finalEvaluation: ClassifyEvaluation,
  wallSeconds: number,
};

/**
 * One setting of the sweep over its seeds.
 */
export type PhaseCell = {
  noise: number,
  burstiness: number,
  classes: number,
  weightDecay: number,
  seeds: number,
  /**
   * Final accuracies over the seeds.
   */
  inContext: Spread,
  inWeights: Spread,
  /**
   * The emergence bar of in-context accuracy (halfway from max(1/L, B/N) to 1) and the
   * in-weights bar (halfway from 1/L to 1).
   */
  inContextBar: number,
  inWeightsBar: number,
  /**
   * Each seed's strategy, in seed order.
   */
  strategies: Array<ClassifyWinner>,
  /**
   * Each seed's emergence step (`null`: in-context learning did not emerge in that run).
   */
  emergenceSteps: Array<number | null>,
  /**
   * The strategy every seed ended with, when they agree and clear both bars; `null` otherwise.
   */
  winner: ClassifyWinner | null,
  /**
   * Margin: the smaller distance of the two mean accuracies from their bars; noise: the larger
   * of the seeds' half-range and the sampling error.
   */
  evidence: Evidence,
};

/**
 * The phase diagram of a sweep: every (ε, weight decay, B, K) cell and a sentence per ε.
 */
export type PhaseDiagram = {
  /**
   * Sorted by ε, weight decay, B, K.
   */
  cells: Array<PhaseCell>,
  /**
   * Per ε (and weight decay, when the sweep has several): where each strategy wins, where the
   * seeds cannot say, and the training length.
   */
  statements: Array<string>,
};

/**
 * One run's rise and (perhaps) fall.
 */
export type TransienceRun = {
  seed: number,
  weightDecay: number,
  emergenceStep: number | null,
  /**
   * Evaluations averaged for the peak and the late value.
   */
  window: number,
  /**
   * Steps between evaluations (the resolution of the emergence step).
   */
  interval: number,
  /**
   * Best windowed in-context accuracy from the emergence step on (`null` if it never emerged).
   */
  peak: number | null,
  /**
   * The step ending that best window.
   */
  peakStep: number,
  /**
   * Mean in-context accuracy over the last window.
   */
  late: number,
  /**
   * Mean in-weights accuracy over the last window (memorization).
   */
  lateInWeights: number,
  /**
   * Mean training loss over the last window: how much gradient was left to drive a change.
   */
  lateLoss: number,
  /**
   * Margin: peak − late; decided = it faded.
   */
  fade: Evidence,
};

/**
 * What the runs show.
 */
export type TransienceOutcome = "no_emergence" | "not_seen" | "seen" | "mixed";

/**
 * A change weight decay made, paired by seed against no weight decay.
 */
export type DecayEffect = {
  weightDecay: number,
  quantity: Quantity,
  /**
   * Per seed present in both: the quantity with this weight decay minus without.
   */
  differences: Array<number>,
  /**
   * Margin: the smallest |difference| when all have one sign (else 0); noise: the largest
   * sampling error of a difference (accuracy) or the evaluation interval (emergence step).
   * Decided = every seed shows the change.
   */
  evidence: Evidence,
  statement: string,
};

/**
 * What a weight-decay effect compares.
 */
export type Quantity = "late_in_context" | "emergence_step";

/**
 * The transience finding over a set of runs of one setting.
 */
export type Transience = {
  classes: number,
  burstiness: number,
  noise: number,
  runs: Array<TransienceRun>,
  outcome: TransienceOutcome,
  statement: string,
  weightDecay: Array<DecayEffect>,
};

export type ClassifySweep = {
  /**
   * The command that wrote the file (`iclab …`).
   */
  command: string,
  /**
   * The base config every run started from (each run's B, K, ε, weight decay and seed differ).
   */
  config: ClassifyConfig,
  runs: Array<ClassifyRunRecord>,
  /**
   * Per setting, which strategy wins and whether the seeds can say.
   */
  phase: PhaseDiagram,
  /**
   * Per setting (ε, B, K): whether in-context learning emerged and then faded (meaningful
   * for long runs).
   */
  transience: Array<Transience>,
};

/**
 * Every layer of a model on one set of prompts (`Session.layers` in JS, `iclab icl layers`).
 */
export type LayersResult = {
  task: TaskKind,
  dims: number,
  points: number,
  prompts: number,
  fitPrompts: number,
  /**
   * The model's training step.
   */
  step: number,
  /**
   * What squared errors were divided by (as in an evaluation; distances are the root of the
   * mean squared difference divided by it).
   */
  normalizer: number,
  /**
   * Newton iteration counts compared (0, 1, …, newtonMax).
   */
  newtonSteps: Array<number>,
  /**
   * Gradient-descent step counts compared.
   */
  gdSteps: Array<number>,
  /**
   * GD's fixed step size (the reference's 0.01 by default).
   */
  gdStep: number,
  /**
   * (prompt, k) problems on which that fixed step diverges (η λ_max(XᵀX) ≥ 2).
   */
  gdUnstable: number,
  /**
   * The methods against each other: for each Newton iterate, the nearest fixed-step GD
   * iterate by prediction distance. A model whose layers sit on this correspondence says
   * nothing about which method it follows.
   */
  correspondence: Array<Match>,
  /**
   * Least squares' error after k examples on the same prompts, for reference.
   */
  leastSquares: Array<number>,
  /**
   * Layer 0 (the read-in) to the last block; the last layer's read-out is the model.
   */
  layers: Array<LayerReport>,
  /**
   * The finding in words: per measure, the layers called for Newton, for GD, and those where
   * the two cannot be told apart.
   */
  statement: string,
};

/**
 * One layer: its predictions' errors and how they compare with the iterative solvers.
 */
export type LayerReport = {
  /**
   * 0: the stream after the read-in (and positions); ℓ: after block ℓ.
   */
  layer: number,
  /**
   * Normalized error after k examples of the trained read-out applied to this stream.
   */
  readOut: Array<number>,
  /**
   * Normalized error after k examples of this layer's linear probe.
   */
  probe: Array<number>,
  /**
   * The probe's prediction distance (RMS) to Newton after each of `newtonSteps`.
   */
  newton: Array<number>,
  /**
   * … to gradient descent with the fixed step after each of `gdSteps`.
   */
  gd: Array<number>,
  /**
   * … to gradient descent with the per-prompt step after each of `gdSteps`.
   */
  gdOptimal: Array<number>,
  /**
   * Fu et al.'s similarity (mean residual cosine) to Newton after each of `newtonSteps`.
   */
  newtonCosine: Array<number>,
  /**
   * … to gradient descent with the fixed step after each of `gdSteps`.
   */
  gdCosine: Array<number>,
  /**
   * By prediction distance: the nearest iterates, their separation and the verdict.
   */
  prediction: Comparison,
  /**
   * By residual similarity (Fu et al.'s measure).
   */
  residual: Comparison,
};

/**
 * A method's iterate nearest a layer.
 */
export type Match = {
  /**
   * Iterations (Newton) or steps (GD).
   */
  steps: number,
  /**
   * The distance in the comparison's metric (RMS, or mean angle in radians).
   */
  distance: number,
};

/**
 * One layer compared with Newton and GD under one metric.
 */
export type Comparison = {
  metric: Metric,
  newton: Match,
  /**
   * Gradient descent as the reference sets it (one fixed step).
   */
  gd: Match,
  /**
   * iclab's extra: GD with the per-prompt largest safe step (no verdict is drawn on it).
   */
  gdOptimal: Match,
  /**
   * The distance between the matched Newton and GD iterates themselves.
   */
  separation: number,
  /**
   * The layer's distance to the zero predictor, where both methods start.
   */
  toStart: number,
  resembles: Resembles,
  /**
   * Margin: distance to the farther method − to the nearer; noise: its bootstrap standard
   * error; separation: as above. Decided by the rule in the module's doc.
   */
  evidence: Evidence,
};

/**
 * The two ways a layer is compared with a method.
 */
export type Metric = "prediction" | "residual";

/**
 * What a layer's predictions resemble.
 */
export type Resembles = "newton" | "gradient_descent" | "start" | "cannot_tell";

/**
 * Cost of the token at each position `1..=tokens` of a prompt.
 */
export type InferenceCost = {
  model: Backbone,
  /**
   * Token positions 1, 2, …, `tokens`.
   */
  tokens: Array<number>,
  /**
   * Floats kept after reading that many tokens (batch of one).
   */
  stateFloats: Array<number>,
  /**
   * Multiply-adds to read the token at that position and predict from it.
   */
  multiplyAdds: Array<number>,
};

/**
 * A rough count of what training one step of a config holds in memory at its peak.
 *
 * Parameters are counted from the shapes (a transformer layer ≈ 12·d² weights, an xLSTM block
 * ≈ 10·d²), each stored four times (weights, gradients, Adam's two moments). Activations kept
 * for the backward pass are ≈ 33·b·s·d + 3·b·h·s² floats per layer, transformer or xLSTM
 * (projections, MLP, attention scores and softmax; the mLSTM's parallel form builds b·h·s²
 * decay and score matrices), with s tokens (2·points interleaved, points paired), plus
 * `memory::OVERHEAD_BYTES`. Fitted to the bytes really allocated at the peak of a training step
 * (crate/tests/memory.rs, which holds every config of its grid within 20%: presets tiny and
 * small, both backbones, batch 8–64, 11–101 points).
 */
export type MemoryEstimate = {
  parameters: number,
  /**
   * Weights, gradients and optimizer state.
   */
  stateBytes: number,
  /**
   * Activations of one batch kept for the backward pass.
   */
  activationBytes: number,
  /**
   * The two, and what any call allocates besides (`memory::OVERHEAD_BYTES`).
   */
  totalBytes: number,
};

/**
 * A run's settings (JS and CLI schema). Fields a strategy does not use are ignored by it.
 */
export type ClConfig = {
  /**
   * The data. Default: 2-D blobs, 6 classes.
   */
  dataset: DataConfig,
  /**
   * How the data becomes a stream. Default: class-incremental, 2 classes per task.
   */
  scenario: ScenarioConfig,
  strategy: StrategyKind,
  /**
   * Replay memory in examples (replay, power_law_replay). Default: 200.
   */
  bufferSize: number,
  /**
   * replay: which buffer. Default: reservoir.
   */
  bufferPolicy: BufferPolicy,
  /**
   * λ of l2, ewc and si; default per strategy ([`StrategyKind::default_regularization`]).
   */
  regularization: number | null,
  /**
   * lwf: weight of the distillation loss. Default: 1.
   */
  lwfAlpha: number,
  /**
   * lwf: distillation temperature. Default: 2.
   */
  temperature: number,
  /**
   * power_law_replay: the exponent of the revisit probability (0 = uniform). Default: 1.
   */
  rehearsalExponent: number,
  /**
   * shrink_perturb: standard deviation of the Gaussian noise added to every parameter after
   * each step. Default: 1e-3.
   */
  perturbStd: number,
  /**
   * continual_backprop: fraction of each hidden layer's mature units reinitialized per step
   * (accumulated: 1e-3 of 64 units replaces one unit every ~16 steps). Default: 1e-3.
   */
  replacementRate: number,
  /**
   * continual_backprop: steps a unit must have lived before it may be replaced. Default: 100.
   */
  maturity: number,
  /**
   * continual_backprop: decay rate η of each unit's running utility. Default: 0.99.
   */
  utilityDecay: number,
  /**
   * ncm, slda, analytic: what they see. Default: raw inputs.
   */
  embedding: Embedding,
  /**
   * analytic: width of the random ReLU feature expansion. Default: 256.
   */
  features: number,
  /**
   * analytic: ridge γ. Default: 0.01.
   */
  ridge: number,
  /**
   * Hidden widths of the MLP (the last is the embedding width). Default: [64, 64].
   */
  hidden: Array<number>,
  /**
   * Adam learning rate. Default: 5e-3, fast enough for 2-D tasks in a few hundred steps.
   */
  learningRate: number,
  /**
   * Examples of the current task per step (rehearsal adds as many). Default: 32.
   */
  batchSize: number,
  /**
   * Gradient steps per training segment. Default: 200.
   */
  iterationsPerTask: number,
  /**
   * Evaluate every task every this many steps (1 = per iteration). Default: 5.
   */
  evalEvery: number,
  /**
   * Default: `cpu` — these models are tiny, and a GPU round trip per evaluation costs more
   * than the arithmetic.
   */
  device: DeviceChoice,
  /**
   * Seeds the data, the weights, the stream and the batches.
   */
  seed: number,
};

/**
 * Where the examples come from.
 */
export type DataConfig = { "kind": "two_d" } & TwoDConfig | { "kind": "digits" } & DigitsConfig | { "kind": "table" } & TableConfig;

/**
 * A 2-D dataset's settings (JS and CLI schema, camelCase).
 */
export type TwoDConfig = {
  shape: Shape,
  /**
   * Number of classes (2–10). Default: 4.
   */
  classes: number,
  /**
   * Points per class (1–10,000). Default: 200.
   */
  perClass: number,
  /**
   * Standard deviation of the Gaussian noise added to each point (0–3). Default: 0.2.
   */
  noise: number,
  seed: number,
};

/**
 * Which 2-D generator.
 */
export type Shape = "blobs" | "moons" | "circles" | "spirals" | "xor";

/**
 * How many digits to use (JS and CLI schema).
 */
export type DigitsConfig = {
  /**
   * Training examples per class, drawn from its training pool (1–800). Default: 200.
   */
  perClass: number,
  /**
   * Test examples per class, from its test pool (1–200). Default: 100.
   */
  testPerClass: number,
  /**
   * Which examples are drawn.
   */
  seed: number,
};

/**
 * A visitor's table as a run's dataset (`dataset.kind = "table"`): the CSV text itself, the
 * share of each class held out for testing, and the split's seed.
 */
export type TableConfig = {
  /**
   * The file's text: numeric features, the label in the last column, a header row optional.
   */
  csv: string,
  /**
   * Share of each class held out as the test set (above 0, at most 0.9; at least one example
   * each side). Default: 0.2.
   */
  testShare: number,
  seed: number,
  /**
   * The labels in the order the stream meets them (a task is the next `classesPerTask` of
   * them), each as the file spells it; every label exactly once. Default (empty): sorted,
   * numbers by value.
   */
  order: Array<string>,
};

/**
 * What a table may hold (the catalog lists them).
 */
export type TableLimits = {
  rows: number,
  features: number,
  classes: number,
};

/**
 * A table as the core read it (`readTable` in the package).
 */
export type TableSummary = {
  rows: number,
  /**
   * The header's feature names, or `x1`, `x2`, … without one.
   */
  features: Array<string>,
  /**
   * The labels, class 0 first: the order the stream meets them.
   */
  classes: Array<string>,
  /**
   * Rows per class.
   */
  counts: Array<number>,
};

/**
 * Which scenario, with its settings.
 */
export type ScenarioConfig = { "kind": "class_incremental" } & ClassIncremental | { "kind": "task_incremental" } & TaskIncremental | { "kind": "permuted" } & Permuted | { "kind": "rotated" } & Rotated | { "kind": "blurry" } & Blurry | { "kind": "reoccurring" } & Reoccurring;

export type ClassIncremental = {
  /**
   * Classes per task; must divide the number of classes. Default: 2.
   */
  classesPerTask: number,
};

export type TaskIncremental = {
  /**
   * Classes per task; must divide the number of classes. Default: 2.
   */
  classesPerTask: number,
};

export type Permuted = {
  /**
   * Number of tasks (1–20). Default: 4.
   */
  tasks: number,
};

export type Rotated = {
  /**
   * Number of tasks (1–20). Default: 4.
   */
  tasks: number,
  /**
   * Rotation of the last task, in degrees (0–360). Default: 90.
   */
  maxDegrees: number,
};

export type Blurry = {
  /**
   * Classes per task; must divide the number of classes. Default: 2.
   */
  classesPerTask: number,
  /**
   * Fraction of each task's training examples moved to other tasks (0–1). Default: 0.1.
   */
  blur: number,
};

export type Reoccurring = {
  /**
   * Classes per task; must divide the number of classes. Default: 2.
   */
  classesPerTask: number,
  /**
   * Training segments in all, at least the number of tasks (≤ 200). Default: 8.
   */
  segments: number,
  schedule: Schedule,
  /**
   * Power-law exponent (0–5). Default: 1.
   */
  exponent: number,
};

export type Schedule = "cycle" | "power_law";

/**
 * Which learner or strategy a run trains (Avalanche's names where it has them).
 */
export type StrategyKind = "naive" | "joint" | "replay" | "power_law_replay" | "l2" | "ewc" | "si" | "weight_decay" | "shrink_perturb" | "continual_backprop" | "lwf" | "ncm" | "protonet" | "slda" | "analytic";

/**
 * How the replay memory decides what to keep.
 */
export type BufferPolicy = "reservoir" | "class_balanced";

/**
 * What host learners (NCM, SLDA, analytic) see.
 */
export type Embedding = "raw" | "frozen" | "learned";

/**
 * A run so far (or finished).
 */
export type ClResult = {
  strategy: StrategyKind,
  tasks: Array<string>,
  /**
   * Training segments in order, as task indices.
   */
  order: Array<number>,
  multiHead: boolean,
  /**
   * `R[s][j]`: accuracy on task j after training segment s (finished segments only; the last
   * row after any unlearning, see `unlearned`).
   */
  accuracyMatrix: Array<Array<number>>,
  /**
   * Accuracy on each task before any training (for FWT).
   */
  randomInit: Array<number>,
  /**
   * Training steps done at each evaluation point (0 = before training).
   */
  iterations: Array<number>,
  /**
   * `curves[j][t]`: accuracy on task j at evaluation point t.
   */
  curves: Array<Array<number>>,
  /**
   * Accuracy on each class's test examples (every task's together) at the latest evaluation
   * point: what unlearning a class changes.
   */
  classAccuracy: Array<number>,
  /**
   * Evaluation point at which each finished segment ended.
   */
  ends: Array<number>,
  /**
   * Classes unlearned after the stream, in order. Once the stream is done the matrix's last
   * row, and so the metrics, are the learner's as it stands: after these unlearnings (a task
   * that lost a class counts it as forgotten, which it is, on purpose); `ends` still marks the
   * evaluation where the last segment ended, before them.
   */
  unlearned: Array<number>,
  /**
   * Per task, the dip after its first segment, measured over the next segment's evaluation
   * points (so far) and classified as a stability gap or forgetting; `None` until an
   * evaluation follows the task's end, and for tasks not yet trained.
   */
  stabilityGaps: Array<StabilityGap | null>,
  /**
   * The deepest decided stability gap so far (a dip of which at least half came back), if
   * any: the drop.
   */
  largestStabilityGap: number | null,
  /**
   * Tasks whose decided dip after their segment did not come back (settled): forgetting at a
   * switch, not a gap.
   */
  forgottenAtSwitch: number,
  /**
   * Where it runs (and why not on WebGPU, if not).
   */
  deviceInfo: DeviceInfo,
  /**
   * Steps done and in all.
   */
  step: number,
  totalSteps: number,
  done: boolean,
  /**
   * Present once the stream is done.
   */
  metrics: Metrics | null,
  /**
   * A network's plasticity at the end of each finished segment: its accuracy on the task it
   * just learned, dead units, effective rank, weight magnitude (empty for host learners and
   * the prototypical network).
   */
  plasticity: Array<PlasticityPoint>,
  /**
   * Once the stream is done, for a network over at least 5 segments: whether its new-task
   * accuracy declined from the first fifth of the stream to the last.
   */
  plasticityVerdict: PlasticityVerdict | null,
  /**
   * Loaded from a learner file: what the saved run reported; it trains no further.
   */
  loaded: boolean,
  /**
   * Input features of every example (2 for 2-D data, 196 for the 14 × 14 digits).
   */
  inputs: number,
};

/**
 * The metrics of a finished stream.
 */
export type Metrics = {
  averageAccuracy: number,
  /**
   * Mean forgetting under [`Forgetting::Max`] (Chaudhry et al.).
   */
  forgetting: number,
  forgettingDefinition: Forgetting,
  /**
   * Mean forgetting under [`Forgetting::SinceLearned`] (Avalanche).
   */
  forgettingSinceLearned: number,
  backwardTransfer: number,
  forwardTransfer: number,
  /**
   * min-ACC at the end of the stream (finished tasks: all first trained before the last
   * segment).
   */
  minAcc: number | null,
  /**
   * WC-ACC at the end of the stream.
   */
  wcAcc: number,
  /**
   * Windowed forgetting over 10 evaluation points, mean over tasks, each counted from the start
   * of its first segment.
   */
  windowedForgetting: number,
};

/**
 * Which forgetting definition a number uses.
 */
export type Forgetting = "max" | "since_learned";

/**
 * The dip of one task after its training ended at `end`: how far its accuracy fell within the
 * next segment, and how much of that came back by the segment's end.
 */
export type StabilityGap = {
  /**
   * Accuracy at the end of the task's training.
   */
  atEnd: number,
  /**
   * Lowest accuracy within the next segment.
   */
  lowest: number,
  /**
   * Evaluation point of that minimum.
   */
  lowestAt: number,
  /**
   * Accuracy at the end of the next segment (so far, while it runs).
   */
  atNextEnd: number,
  /**
   * `at_end − lowest`.
   */
  drop: number,
  /**
   * `at_next_end − lowest`.
   */
  recovery: number,
  /**
   * [`DipKind::StabilityGap`] when `recovery ≥ drop / 2`, else [`DipKind::Forgetting`].
   */
  kind: DipKind,
  /**
   * Whether the next segment has ended, so `kind` is final (while it runs, a dip not yet
   * recovered reads as forgetting).
   */
  settled: boolean,
  /**
   * Whether the dip is a dip at all: margin `drop`, noise the sampling error of the two
   * accuracies on the task's test examples; decided when `drop` exceeds both [`MIN_DIP`] and
   * `CLEAR` × that noise. Pages draw and count only decided dips.
   */
  evidence: Evidence,
};

/**
 * What a task's dip after its training ended turned out to be (docs/SCIENCE.md §3).
 */
export type DipKind = "stability_gap" | "forgetting";

/**
 * The boundary metrics of a stream whose tasks may come back: `r[s][j]` is the accuracy on task j
 * after training segment s (rows: segments, columns: distinct tasks) and `first[j]` the segment
 * at which task j was first trained. For a stream that visits each task once, in order, `r` is
 * square and `first[j] = j`, and these are exactly the formulas above; otherwise "the task's own
 * row" `R[j][j]` becomes `R[first_j][j]`, and "finished" tasks are those first trained before
 * the last segment.
 */
export type BoundaryMetrics = {
  averageAccuracy: number,
  /**
   * Per task (finished ones), [`Forgetting::Max`].
   */
  forgettingMax: Array<number>,
  /**
   * Per task (finished ones), [`Forgetting::SinceLearned`].
   */
  forgettingSinceLearned: Array<number>,
  backwardTransfer: number,
  forwardTransfer: number,
};

/**
 * Predicted class over a grid covering a 2-D dataset, and its test points.
 */
export type Boundary = {
  resolution: number,
  /**
   * `[xMin, xMax, yMin, yMax]`.
   */
  extent: [number, number, number, number],
  /**
   * `resolution²` classes, row-major, row 0 at `yMin`.
   */
  classes: Array<number>,
  /**
   * Test points of every task (`[n, 2]` row-major), their labels and task.
   */
  points: Array<number>,
  labels: Array<number>,
  taskOf: Array<number>,
};

/**
 * The learner's answer for one input.
 */
export type Answered = {
  /**
   * The class it answers (the highest score).
   */
  answer: number,
  /**
   * Its score for every class, as the learner computes it (logits for networks; for the
   * prototype and analytic learners their own scores; `null` for a class it cannot answer
   * yet).
   */
  scores: Array<number | null>,
  /**
   * The softmax of the logits, for the learners trained with cross-entropy (networks and
   * prototypical networks); `null` for the others, whose scores are not probabilities.
   */
  probabilities: Array<number> | null,
};

/**
 * A run: the task, the model's size, Adam, the evaluation set, where and with what seed.
 */
export type MarkovRunConfig = {
  task: MarkovConfig,
  /**
   * The network (the paper's attention-only model by default).
   */
  backbone: MarkovBackbone,
  /**
   * Residual width (the paper: 16 per head of layer 1); must be a multiple of layer 1's
   * heads (order − 1).
   */
  width: number,
  /**
   * Attention layers (the paper: 2).
   */
  layers: number,
  /**
   * Adam's learning rate (the paper: AdamW 5e-4 over 2,000 steps).
   */
  learningRate: number,
  /**
   * Sequences per step (the paper: 64).
   */
  batchSize: number,
  /**
   * Chains in the fixed evaluation set.
   */
  evalSequences: number,
  device: DeviceChoice,
  seed: number,
};

/**
 * The task: chains of `states` states, Dirichlet(`alpha`) rows, sequences of `length` states,
 * each state depending on the `order − 1` before it.
 */
export type MarkovConfig = {
  /**
   * States k (2–8). Default 3.
   */
  states: number,
  /**
   * Concentration of each row's Dirichlet prior (1: uniform over the simplex, the paper's).
   */
  alpha: number,
  /**
   * States per sequence T. Default 64 (the paper: 100).
   */
  length: number,
  /**
   * 2: a bigram chain (each state depends on the last); 3: on the last two.
   */
  order: number,
};

/**
 * One training call's outcome.
 */
export type MarkovReport = {
  step: number,
  /**
   * Mean next-state cross-entropy (nats) since the last report.
   */
  loss: number,
};

/**
 * One evaluation.
 */
export type MarkovEvaluation = {
  step: number,
  /**
   * KL(rule ‖ model) at the last position, per rule (uniform, unigram, bigram, oracle).
   */
  toRules: { [key in string]: Measured },
  /**
   * KL(truth ‖ model) at the last position: the model's loss above the unavoidable.
   */
  loss: Measured,
  /**
   * KL(truth ‖ rule) for each rule on the same positions: where each rule's loss sits.
   */
  ruleLosses: { [key in string]: Measured },
  stage: StageFinding,
  attention: Array<HeadAttention>,
  /**
   * The first evaluation sequence, the model's next-state probabilities after it and the
   * bigram rule's.
   */
  example: Array<number>,
  exampleModel: Array<number>,
  exampleBigram: Array<number>,
  /**
   * The same sequence position by position.
   */
  trace: SequenceTrace,
};

/**
 * A mean over the evaluation sequences and its standard error.
 */
export type Measured = {
  mean: number,
  standardError: number,
};

/**
 * One head's attention from the last position.
 */
export type HeadAttention = {
  layer: number,
  head: number,
  /**
   * On the first evaluation sequence: the last position's attention over every position.
   */
  example: Array<number>,
  /**
   * Mean attention of every position on the one before it, over all sequences (a
   * previous-state head has it near 1).
   */
  previousState: number,
  /**
   * The last position's attention mass on the positions right after earlier occurrences of
   * the current context (the last n − 1 states), over all sequences (an induction head has it
   * near 1).
   */
  induction: number,
};

/**
 * One sequence read position by position: after each prefix, the probability the model gave
 * to the state that came next, and the bigram rule's.
 */
export type SequenceTrace = {
  /**
   * The whole sequence, T states: position t's next state is `states[t + 1]`.
   */
  states: Array<number>,
  /**
   * The model's probability of `states[t + 1]` after reading `states[..=t]`, T − 1 values.
   */
  model: Array<number>,
  /**
   * The bigram rule's probability of the same state from the same prefix.
   */
  bigram: Array<number>,
};

/**
 * The network a Markov run trains.
 */
export type MarkovBackbone = "attention_only" | "transformer" | "xlstm";

/**
 * The predictors a model is measured against.
 */
export type Rule = "uniform" | "unigram" | "bigram" | "oracle";

/**
 * A stage's outcome.
 */
export type Stage = "uniform" | "unigram" | "bigram" | "between";

/**
 * The stage at one evaluation, with its evidence.
 */
export type StageFinding = {
  stage: Stage,
  /**
   * The nearest rule and the next nearest.
   */
  nearest: Rule,
  runnerUp: Rule,
  /**
   * Margin: the runner-up's mean KL minus the nearest's; noise: the standard error of the
   * per-sequence difference; separation: the mean KL(nearest ‖ runner-up) between the rules.
   */
  evidence: Evidence,
  statement: string,
};

/**
 * In-context Markov chains (docs/SCIENCE.md §7): the run's defaults and bounds, the rules a
 * model is measured against and the stages.
 */
export type MarkovCatalog = {
  defaults: MarkovRunConfig,
  /**
   * `task`'s numbers.
   */
  task: { [key in string]: FieldSpec },
  /**
   * The run's own numbers.
   */
  fields: { [key in string]: FieldSpec },
  /**
   * The networks, with what a menu calls them (the paper's first).
   */
  backbones: Array<Choice>,
  /**
   * The rules, with what a legend calls them (the oracle last: the floor, not a stage).
   */
  rules: Array<Choice>,
  stages: Array<Stage>,
};

/**
 * A network's plasticity at the end of one training segment.
 */
export type PlasticityPoint = {
  segment: number,
  task: number,
  /**
   * Accuracy on the task's test set right after training on it: how well the network still
   * learns a new task (the accuracy matrix's diagonal).
   */
  newTaskAccuracy: number,
  /**
   * Fraction of hidden units, every hidden layer together, that are 0 on every probe example.
   */
  deadUnits: number,
  /**
   * Effective rank of the last hidden layer's activations on the probe.
   */
  effectiveRank: number,
  /**
   * The last hidden layer's width: the effective rank's ceiling.
   */
  width: number,
  /**
   * Mean |w| over every weight matrix (biases left out).
   */
  weightMagnitude: number,
};

/**
 * Whether a network kept learning new tasks: its new-task accuracy over the first fifth of the
 * stream's segments against the last fifth.
 */
export type PlasticityVerdict = {
  /**
   * `declined` (the last fifth lower by more than twice the sampling error) or `not_seen`.
   */
  outcome: string,
  /**
   * Segments in each window.
   */
  window: number,
  early: number,
  late: number,
  statement: string,
  /**
   * Margin: `early − late` (a decline is positive), against the sampling error of the two
   * windows' accuracies.
   */
  evidence: Evidence,
};

/**
 * A federated run's settings: the learner, the data and features of a continual run, the
 * clients and their split.
 */
export type FederatedConfig = {
  /**
   * What every client learns with. Default: ncm.
   */
  learner: MergeLearner,
  /**
   * The data and the features, as a continual run's config: `dataset`, `embedding` (raw or
   * frozen), `features` and `ridge` (analytic), `hidden`, `learningRate`, `batchSize` and
   * `iterationsPerTask` (FedAvg's MLP), `device`, `seed`; its stream and strategy settings
   * are not used. Default: 2-D blobs of 6 classes.
   */
  run: ClConfig,
  /**
   * 2 to 8. Default: 3.
   */
  clients: number,
  /**
   * Default: disjoint.
   */
  split: ClientSplit,
  /**
   * FedAvg of the MLP: rounds of `iterationsPerTask` local steps per client, each followed by
   * averaging; 0 leaves FedAvg out. Default: 5.
   */
  rounds: number,
};

/**
 * How the classes are dealt to the clients.
 */
export type ClientSplit = "disjoint" | "overlapping";

/**
 * The learners that merge exactly.
 */
export type MergeLearner = "ncm" | "slda" | "analytic";

export type FederatedResult = {
  classes: number,
  /**
   * Features the learner reads (2 raw 2-D points, the embedding's width, …).
   */
  features: number,
  clients: Array<ClientResult>,
  /**
   * Every client's learner merged into one.
   */
  merged: ClassScores,
  /**
   * One learner that read every client's data: the ceiling.
   */
  joint: ClassScores,
  /**
   * The largest difference between the merged and the joint learner's scores on the test set
   * (exact merges: rounding only).
   */
  mergeError: number,
  /**
   * Numbers (f32) a client sends per class it learned, and once whatever its classes (SLDA's
   * shared covariance).
   */
  numbersPerClass: number,
  numbersShared: number,
  /**
   * FedAvg of the MLP on the same clients, unless `rounds` is 0.
   */
  fedavg: FedAvgResult | null,
  /**
   * Test examples every accuracy above was measured on.
   */
  testExamples: number,
  /**
   * The merged learner against FedAvg on the same clients (no FedAvg: none).
   */
  versusFedavg: FedAvgComparison | null,
};

/**
 * One client before the merge.
 */
export type ClientResult = {
  /**
   * The classes it learned.
   */
  classes: Array<number>,
  scores: ClassScores,
};

/**
 * Accuracy overall and per class on the test set of every class.
 */
export type ClassScores = {
  accuracy: number,
  /**
   * One per class.
   */
  perClass: Array<number>,
};

/**
 * FedAvg's global network after its last round.
 */
export type FedAvgResult = {
  scores: ClassScores,
  rounds: number,
  /**
   * Numbers (f32) each client sends per round: every weight of the network.
   */
  numbersPerRound: number,
};

/**
 * Which of two learners scored higher, decided against the sampling error of the test set.
 */
export type FedAvgComparison = {
  /**
   * `merged`, `fedavg`, or `undecided` when the difference is within twice its sampling
   * error.
   */
  winner: string,
  /**
   * The finding in one sentence, with its numbers.
   */
  statement: string,
  evidence: Evidence,
};

/**
 * What one client learned, as it travels between pages (a file, a link, a channel message).
 */
export type Share = {
  /**
   * `iclab/federated-share/1`.
   */
  format: string,
  learner: MergeLearner,
  space: ShareSpace,
  /**
   * Which client of how many sent it.
   */
  client: number,
  clients: number,
  /**
   * Classes in the dataset.
   */
  classes: number,
  /**
   * One entry per class the client learned.
   */
  stats: Array<ClassStats>,
  /**
   * SLDA's pooled within-class scatter, `[features, features]` row-major; empty for NCM.
   */
  scatter: Array<number>,
};

/**
 * What a share's numbers only mean in: the data and the features the learner read.
 */
export type ShareSpace = {
  dataset: DataConfig,
  embedding: Embedding,
  /**
   * The frozen embedding's hidden widths (empty for raw inputs).
   */
  hidden: Array<number>,
  /**
   * The seed the frozen embedding was drawn with (0 for raw inputs).
   */
  seed: number,
  /**
   * Numbers per feature vector.
   */
  features: number,
};

/**
 * One class of a share: how many examples the client learned of it, and their mean.
 */
export type ClassStats = {
  class: number,
  count: number,
  mean: Array<number>,
};

/**
 * One page's client as it stands: what it learned, what it has merged, how it scores.
 */
export type ClientState = {
  client: number,
  clients: number,
  classes: number,
  features: number,
  /**
   * The classes this page learned from its own data.
   */
  own: Array<number>,
  /**
   * Every class the learner now knows (its own and the merged shares').
   */
  known: Array<number>,
  merged: Array<MergedShare>,
  /**
   * Accuracy on the test set of every class with this page's data alone.
   */
  alone: ClassScores,
  /**
   * Accuracy on it now, after the merges.
   */
  now: ClassScores,
  /**
   * Bytes of this page's share as JSON (what a file or link carries).
   */
  shareBytes: number,
  /**
   * Numbers (f32 each) the share needs per class, and once (SLDA's scatter).
   */
  numbersPerClass: number,
  numbersShared: number,
};

/**
 * A share this client has merged.
 */
export type MergedShare = {
  client: number,
  /**
   * The classes it brought.
   */
  classes: Array<number>,
  fingerprint: string,
};

/**
 * Everything above.
 */
export type Catalog = {
  icl: IclCatalog,
  classify: ClassifyCatalog,
  continual: ContinualCatalog,
  markov: MarkovCatalog,
  titles: Titles,
  limits: Limits,
};

/**
 * The in-context learner's schema.
 */
export type IclCatalog = {
  tasks: Array<Task>,
  models: Array<Model>,
  presets: Array<Preset>,
  tokens: Array<TokenLayout>,
  /**
   * The transformer MLPs' nonlinearities (`activation`).
   */
  activations: Array<Activation>,
  devices: Array<DeviceChoice>,
  /**
   * Every baseline, `zero` (always computed) first.
   */
  baselines: Array<BaselineKind>,
  /**
   * What each baseline needs or costs, so a page can choose and order them.
   */
  baselineRoles: BaselineRoles,
  /**
   * Tokens each example takes in a prompt, per layout (a prompt of k examples is k times as
   * long).
   */
  tokensPerExample: { [key in string]: number },
  probes: Array<Probe>,
  /**
   * Older probe names a config may still use, and the probe each reads as.
   */
  probeAliases: { [key in string]: Probe },
  /**
   * The evaluation setting each probe reads (`scaled` → `probeScale`); probes without one are
   * left out.
   */
  probeParameters: { [key in string]: string },
  /**
   * Which tasks an evaluation's prompts use (fresh, or the training pool's).
   */
  evalTasks: Array<EvalTasks>,
  /**
   * `createSession`'s numbers.
   */
  session: { [key in string]: FieldSpec },
  /**
   * Every setting's default (what a config that leaves it out gets).
   */
  defaults: SessionConfig,
  /**
   * The config that learns fastest from a blank model (`SessionConfig::from_scratch`).
   */
  fromScratch: SessionConfig,
  /**
   * `evaluate`'s numbers.
   */
  evaluation: { [key in string]: FieldSpec },
  /**
   * Every evaluation setting's default (the probe, the tasks, the numbers).
   */
  evalDefaults: EvalConfig,
  /**
   * `layers`' numbers (what each layer computes).
   */
  layers: { [key in string]: FieldSpec },
  /**
   * A written prompt's bounds (`answer`: queries per call, any number's range, a pasted
   * table's characters).
   */
  answer: { [key in string]: FieldSpec },
  /**
   * Where nearly all training inputs fell, per coordinate (a page shades outside it).
   */
  typicalRange: [number, number],
};

/**
 * The continual learner's schema.
 */
export type ContinualCatalog = {
  /**
   * Every setting's default.
   */
  defaults: ClConfig,
  datasets: Array<Kind>,
  shapes: Array<Shape>,
  scenarios: Array<Kind>,
  schedules: Array<Schedule>,
  strategies: Array<Strategy>,
  /**
   * The learner a page shows beside the default one when it opens: replay, the baseline the
   * other strategies are measured against.
   */
  compare: StrategyKind,
  bufferPolicies: Array<BufferPolicy>,
  embeddings: Array<Embedding>,
  /**
   * The fewest input features each scenario needs (a dataset with fewer cannot run it).
   */
  minFeatures: { [key in string]: number },
  /**
   * Each dataset kind's input features, where known without its data.
   */
  features: { [key in string]: number },
  /**
   * The file of the package's `data/` each dataset kind reads (fetched by the worker when a
   * config asks for that dataset); generated datasets have none.
   */
  assets: { [key in string]: string },
  /**
   * `startContinual`'s top-level numbers.
   */
  fields: { [key in string]: FieldSpec },
  /**
   * Learn apart, merge together (`runFederated`, `learnFederated`).
   */
  federated: FederatedCatalog,
  /**
   * A visitor's own table (`dataset.kind = "table"`): its settings and what a file may hold.
   */
  table: Kind,
  tableLimits: TableLimits,
  /**
   * Loss of plasticity: the stream where it shows at browser scale, and the learners that
   * lose or keep it.
   */
  plasticity: PlasticityCatalog,
};

/**
 * The federated run's schema.
 */
export type FederatedCatalog = {
  /**
   * Every setting's default.
   */
  defaults: FederatedConfig,
  learners: Array<MergeLearnerSpec>,
  splits: Array<Choice>,
  /**
   * The features clients may share (`run.embedding`): a learned embedding is each client's
   * own, so it is not offered.
   */
  embeddings: Array<Embedding>,
  /**
   * `clients` and `rounds`.
   */
  fields: { [key in string]: FieldSpec },
  /**
   * The format tag of a share (what `learnFederated` writes and `merge` reads).
   */
  shareFormat: string,
};

/**
 * Loss of plasticity's experiment (docs/SCIENCE.md §3).
 */
export type PlasticityCatalog = {
  /**
   * The run a page starts from: permuted digits, many tasks, a small MLP, Adam at a large
   * step ([`ClConfig::plasticity`]).
   */
  defaults: ClConfig,
  /**
   * Plain backprop and the cures, in menu order.
   */
  strategies: Array<StrategyKind>,
};

/**
 * A learner that merges: its title and whether its share travels between pages.
 */
export type MergeLearnerSpec = {
  kind: MergeLearner,
  title: string,
  travels: boolean,
};

/**
 * A choice with the numbers it holds (a function class, a scenario, a dataset).
 */
export type Kind = {
  kind: string,
  /**
   * Its short name in menus.
   */
  title: string,
  /**
   * One line explaining it.
   */
  description: string,
  fields: { [key in string]: FieldSpec },
  /**
   * Its whole config with every default, menus included (`shape`, `schedule`): the keys a
   * page fills in to build one.
   */
  defaults: Record<string, unknown>,
};

/**
 * A function class: its kind, names, parameters and the baselines it is compared with.
 */
export type Task = {
  /**
   * The baselines a page draws for it by default.
   */
  baselines: Array<BaselineKind>,
  kind: string,
  /**
   * Its short name in menus.
   */
  title: string,
  /**
   * One line explaining it.
   */
  description: string,
  fields: { [key in string]: FieldSpec },
  /**
   * Its whole config with every default, menus included (`shape`, `schedule`): the keys a
   * page fills in to build one.
   */
  defaults: Record<string, unknown>,
};

/**
 * A backbone and the shape of each preset.
 */
export type Model = {
  kind: Backbone,
  /**
   * Its menu title.
   */
  title: string,
  /**
   * Its name in a sentence or a legend ("xLSTM").
   */
  shortTitle: string,
  /**
   * What its units of depth are called ("layers", "blocks").
   */
  depthUnit: string,
  /**
   * Whether `xlstmRatio` shapes it.
   */
  usesXlstmRatio: boolean,
  /**
   * Whether `activation` (its MLPs' nonlinearity) shapes it.
   */
  usesActivation: boolean,
  presets: { [key in string]: PresetShape },
};

/**
 * Blocks, width and heads of a preset.
 */
export type PresetShape = {
  layers: number,
  dModel: number,
  heads: number,
};

/**
 * A continual learner or strategy: its menu title, what it reads and what it can do.
 */
export type Strategy = {
  kind: StrategyKind,
  title: string,
  /**
   * Reads each segment once (the host learners) instead of `iterationsPerTask` steps.
   */
  readsOnce: boolean,
  /**
   * Can forget a class exactly (`ContinualRun.unlearn`).
   */
  unlearns: boolean,
  /**
   * A sentence to show while it is on screen, if it needs one.
   */
  note: string | null,
  /**
   * The config settings it reads, in form order; a page builds one control for each name.
   */
  settings: Array<StrategySetting>,
};

/**
 * Baselines by what they need or cost.
 */
export type BaselineRoles = {
  /**
   * Computed by every evaluation whether asked for or not.
   */
  always: Array<BaselineKind>,
  /**
   * Need a session trained on a task pool.
   */
  needsPool: Array<BaselineKind>,
  /**
   * Fit a model on every prompt and every k: the slowest, computed last by a page.
   */
  fitsPerPrompt: Array<BaselineKind>,
  /**
   * Task diversity's two references: the memorizing solution (Bayes-optimal for the pool) and
   * the learning one (Bayes-optimal for a fresh task), between which a model's position is
   * measured.
   */
  memorizing: BaselineKind,
  learning: BaselineKind,
};

/**
 * A setting a strategy reads: a number or a menu.
 */
export type StrategySetting = {
  /**
   * The page's and URL's name: one per meaning (`ewcLambda` and `l2Lambda` both set
   * `regularization`, each with its default), shared where one setting serves several
   * strategies (`bufferSize`).
   */
  name: string,
  /**
   * The config key it sets.
   */
  key: string,
  /**
   * What a form calls it.
   */
  label: string,
  /**
   * A number's bounds; `null` for a menu.
   */
  field: Field | null,
  /**
   * A menu's choices in order; `null` for a number.
   */
  choices: Array<Choice> | null,
  /**
   * Its default for this strategy.
   */
  default: number | string,
};

/**
 * One entry of a menu: its config name and its title.
 */
export type Choice = {
  value: string,
  title: string,
};

/**
 * What a menu, a legend or a sentence calls each choice, by its name in a config: a page shows
 * these and never spells a title of its own.
 */
export type Titles = {
  models: { [key in string]: string },
  classifyBackbones: { [key in string]: string },
  tokens: { [key in string]: string },
  activations: { [key in string]: string },
  devices: { [key in string]: string },
  /**
   * A baseline's legend ("least squares", "always 0 (zero estimator)").
   */
  baselines: { [key in string]: string },
  probes: { [key in string]: string },
  /**
   * What a layer's predictions resemble (what each layer computes).
   */
  verdicts: { [key in string]: string },
  /**
   * The estimator whose side of the midpoint a pool size sits on (task diversity).
   */
  sides: { [key in string]: string },
  evalTasks: { [key in string]: string },
  tasks: { [key in string]: string },
  /**
   * Every dataset a page offers by name: the 2-D shapes, then `digits`.
   */
  datasets: { [key in string]: string },
  scenarios: { [key in string]: string },
  schedules: { [key in string]: string },
  strategies: { [key in string]: string },
  bufferPolicies: { [key in string]: string },
  embeddings: { [key in string]: string },
};

/**
 * The bounds of each call's own arguments.
 */
export type Limits = {
  /**
   * Steps of one `train` call (`every` of a `train()` stream).
   */
  trainSteps: Field,
  /**
   * Steps between a `train()` stream's evaluations (0: only at its last step).
   */
  evalEvery: Field,
  /**
   * Steps of one `train()` stream.
   */
  streamSteps: Field,
  /**
   * Steps of one continual `advance` call.
   */
  advanceSteps: Field,
  /**
   * Grid points per side of a decision boundary.
   */
  boundaryResolution: Field,
  /**
   * The class `unlearn` takes.
   */
  unlearnClass: Field,
  /**
   * Token positions of an inference-cost curve.
   */
  costTokens: Field,
  /**
   * A classroom client's number (`learnFederated`; below the config's `clients`).
   */
  federatedClient: Field,
};

/**
 * One numeric setting: its name in the config (camelCase) and the values it accepts.
 */
export type Field = {
  /**
   * Smallest value (excluded when `minExclusive`).
   */
  min: number,
  /**
   * Largest value; `null`: any finite number.
   */
  max: number | null,
  minExclusive: boolean,
  /**
   * Whole numbers only.
   */
  integer: boolean,
  /**
   * Also at most the value of this other field of the same config (`sparsity` ≤ `dims`).
   */
  maxOf: string | null,
  /**
   * What a form calls it, with its symbol ("Non-zero coordinates s"); empty for fields a
   * page labels itself.
   */
  label: string,
};

/**
 * A field's bounds next to its default, as the catalog lists it.
 */
export type FieldSpec = {
  /**
   * The core's default (`null` where the default is "unset", e.g. `layers` from the preset).
   */
  default: number | Array<number> | null,
  /**
   * Smallest value (excluded when `minExclusive`).
   */
  min: number,
  /**
   * Largest value; `null`: any finite number.
   */
  max: number | null,
  minExclusive: boolean,
  /**
   * Whole numbers only.
   */
  integer: boolean,
  /**
   * Also at most the value of this other field of the same config (`sparsity` ≤ `dims`).
   */
  maxOf: string | null,
  /**
   * What a form calls it, with its symbol ("Non-zero coordinates s"); empty for fields a
   * page labels itself.
   */
  label: string,
};
