//! Error vs number of in-context examples for a model and any baselines on the same prompts
//! (SCIENCE.md §1): one [`EvalConfig`] schema for JS and the CLI, one [`EvalResult`] with each
//! curve keyed by its method's name (`model`, `least_squares`, …).

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::baselines::{self, BaselineKind, BaselineOptions, Fit, dmmse};
use super::curves::{ErrorCurve, error_curve};
use super::probe::{EvalDraw, EvalSet, Probe};
use super::{FunctionClass, TaskKind, TaskPool};
use crate::pace::Pace;
use crate::{Error, Result};

/// Prompts per chunk of an evaluation: the prompts, their inputs and the model's activations
/// are held one chunk at a time, so an evaluation's memory does not grow with `prompts` beyond
/// one prediction per prompt and k for each method.
pub const EVAL_CHUNK: usize = 256;

/// Operations of baseline fits per chunk, at most: tens of milliseconds in the browser.
const CHUNK_WORK: f64 = 5e7;

/// The bounds of an evaluation's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const PROMPTS: Field = Field::int("prompts", 1, 20_000);
    pub const PROBE_SCALE: Field = Field::positive("probeScale", 100.0);
    pub const PROBE_NOISE: Field = Field::real("probeNoise", 0.0, 100.0);
    /// At most `prompts` as well.
    pub const EXAMPLES: Field = Field::int("examples", 0, 64);
    pub const ALL: &[Field] = &[PROMPTS, PROBE_SCALE, PROBE_NOISE, EXAMPLES];
}

/// Which tasks the evaluation prompts use (SCIENCE.md §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EvalTasks {
    /// A fresh function per prompt, from the class's own distribution.
    #[default]
    Fresh,
    /// Functions drawn from the training pool (`taskPool` of the session): the tasks the model
    /// may have memorized.
    Pool,
}

impl EvalTasks {
    pub const ALL: [Self; 2] = [Self::Fresh, Self::Pool];
}

/// What to evaluate on and against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EvalConfig {
    /// Prompts averaged over. Default 1,280, the reference.
    pub prompts: u32,
    /// Distribution of the evaluation prompts. Default: in distribution.
    pub probe: Probe,
    /// Input scale for `probe: "scaled"`. Default 2.
    pub probe_scale: f64,
    /// Extra output noise σ for `probe: "noisy"`. Default 1, the reference.
    pub probe_noise: f64,
    /// Baselines computed on the same prompts. Default: least squares only. The zero estimator
    /// (`zero`) is computed whether listed or not.
    pub baselines: Vec<BaselineKind>,
    /// Baseline settings.
    pub options: BaselineOptions,
    /// Seeds the prompts; the same seed gives the same prompts (and baselines). Default: derived
    /// from the session seed.
    pub seed: Option<u32>,
    /// Include the raw predictions for the first `examples` prompts (single-prompt view).
    /// Default 0.
    pub examples: u32,
    /// Fresh tasks or the training pool's. Default: fresh.
    pub tasks: EvalTasks,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            prompts: 1280,
            probe: Probe::None,
            probe_scale: 2.0,
            probe_noise: 1.0,
            baselines: vec![BaselineKind::LeastSquares],
            options: BaselineOptions::default(),
            seed: None,
            examples: 0,
            tasks: EvalTasks::Fresh,
        }
    }
}

impl EvalConfig {
    /// Parses any serde source and validates it; errors name the field.
    pub fn parse<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self> {
        let config: Self = crate::error::deserialize_config(deserializer)?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_json(text: &str) -> Result<Self> {
        Self::parse(&mut serde_json::Deserializer::from_str(text))
    }

    pub fn validate(&self) -> Result<()> {
        fields::PROMPTS.check_u32(self.prompts)?;
        fields::PROBE_SCALE.check(self.probe_scale)?;
        fields::PROBE_NOISE.check(self.probe_noise)?;
        fields::EXAMPLES
            .capped(f64::from(self.prompts))
            .check_u32(self.examples)?;
        self.options.validate()
    }

    /// The seed actually used, given the session's.
    pub fn seed_for(&self, session_seed: u32) -> u64 {
        match self.seed {
            Some(seed) => u64::from(seed),
            None => u64::from(session_seed) ^ 0x5EED_E7A1_0000_0000,
        }
    }

    /// Checks what this evaluation needs of the training distribution: a pool for `tasks: pool`
    /// and for the dMMSE baseline (a session trained on fresh tasks has none).
    pub fn check_pool(&self, pool: Option<&TaskPool>) -> Result<()> {
        if pool.is_some() {
            return Ok(());
        }
        if self.tasks == EvalTasks::Pool {
            return Err(Error::invalid(
                "tasks",
                "\"pool\" needs a session trained on a task pool (taskPool); this one draws a fresh task per prompt",
            ));
        }
        if self.baselines.contains(&BaselineKind::Dmmse) {
            return Err(Error::invalid(
                "baselines",
                "dmmse needs a session trained on a task pool (taskPool): it is the posterior over that pool",
            ));
        }
        Ok(())
    }

    /// The evaluation prompts for a task: fresh tasks, or the pool's when `tasks` says so.
    pub fn sample(
        &self,
        class: &dyn FunctionClass,
        pool: Option<&TaskPool>,
        seed: u64,
        points: usize,
        dims: usize,
    ) -> Result<EvalSet> {
        self.check_pool(pool)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let from = match self.tasks {
            EvalTasks::Pool => pool,
            EvalTasks::Fresh => None,
        };
        Ok(EvalSet::sample(
            class,
            from,
            self.probe,
            self.probe_scale,
            self.probe_noise,
            &mut rng,
            self.prompts as usize,
            points,
            dims,
        ))
    }
}

/// Raw numbers of one prompt, for the single-prompt view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Example {
    /// Query inputs, `[points][dims]`: entry k is predicted after k examples.
    pub xs: Vec<Vec<f64>>,
    /// True outputs at the queries.
    pub targets: Vec<f64>,
    /// Each method's predictions at the queries, keyed like the curves.
    pub predictions: BTreeMap<String, Vec<f64>>,
}

/// Error-vs-k curves on one set of prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EvalResult {
    pub task: TaskKind,
    pub probe: Probe,
    pub dims: u32,
    pub points: u32,
    pub prompts: u32,
    /// The model's training step, when a model was evaluated.
    pub step: Option<u32>,
    /// What squared errors were divided by (d, s or 1, SCIENCE.md §1). The zero estimator's own
    /// curve (`zero`) says what answering 0 scores on these prompts: 1 only in distribution on the
    /// noiseless classes.
    pub normalizer: f64,
    /// One curve per method; entry i of `mean` is the error after i in-context examples.
    pub curves: BTreeMap<String, ErrorCurve>,
    /// With a model: per baseline, the model's distance to it after i examples — the mean
    /// squared difference of their predictions, divided by the same normalizer (Raventós et al.
    /// plot it against dMMSE and ridge).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub distances: BTreeMap<String, Vec<f64>>,
    /// With a model, dMMSE and ridge: where the model sits between the two, against their own
    /// distance (docs/SCIENCE.md §5).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub position: Option<super::diversity::Position>,
    /// With a model: what the curves say at k = d and at the largest k, the model against its
    /// nearest rival (the sentence the in-context page shows; `readCurves` reads merged curves).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reading: Option<super::reading::Reading>,
    /// Which tasks the prompts used.
    pub tasks: EvalTasks,
    /// Per baseline, the fits that reached their iteration cap before their convergence
    /// tolerance (Lasso's `lassoSweeps`): their predictions are the iterate where they stopped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub stopped_early: BTreeMap<String, u32>,
    /// The first `examples` prompts in full.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Example>,
}

/// What the Bayes baselines know of the training distribution: the class (its output noise)
/// and the pool's functions when training drew from a pool.
pub struct Prior<'a> {
    pub class: &'a dyn FunctionClass,
    pub pool: Option<&'a TaskPool>,
}

/// Predictions of one baseline for every prompt and k, `[batch, points]`.
pub fn baseline_predictions(
    set: &EvalSet,
    kind: BaselineKind,
    options: &BaselineOptions,
    seed: u64,
    prior: &Prior<'_>,
) -> Result<Vec<f64>> {
    Ok(baseline_chunk(set, 0, kind, options, seed, prior)?.0)
}

/// [`baseline_predictions`] for a chunk whose first prompt is prompt `offset` of the evaluation
/// (the randomized baselines are seeded by the prompt's place in the whole), with the number of
/// fits that stopped at their iteration cap.
fn baseline_chunk(
    set: &EvalSet,
    offset: usize,
    kind: BaselineKind,
    options: &BaselineOptions,
    seed: u64,
    prior: &Prior<'_>,
) -> Result<(Vec<f64>, u32)> {
    let (batch, points, dims) = (set.prompts.batch, set.prompts.points, set.prompts.dims);
    let noise_var = prior.class.output_noise().powi(2);
    if kind == BaselineKind::Dmmse {
        let pool = prior.pool.ok_or_else(|| {
            Error::invalid(
                "baselines",
                "dmmse needs a session trained on a task pool (taskPool)",
            )
        })?;
        let functions = (0..pool.len()).map(|m| pool.function(prior.class, m, dims));
        return Ok((dmmse::predictions(set, functions, noise_var), 0));
    }
    let mut out = Vec::with_capacity(batch * points);
    let mut stopped = 0;
    for b in 0..batch {
        let (xs, ys) = set.prompts.prompt(b);
        let all_x = DMatrix::from_row_iterator(points, dims, xs.iter().map(|&v| f64::from(v)));
        let all_y = DVector::from_iterator(points, ys.iter().map(|&v| f64::from(v)));
        for k in 0..points {
            let ctx_x = all_x.rows(0, k).into_owned();
            let ctx_y = all_y.rows(0, k).into_owned();
            let (q, _) = set.query(b, k);
            let query = DVector::from_iterator(dims, q.iter().map(|&v| f64::from(v)));
            let fit = Fit {
                xs: &ctx_x,
                ys: &ctx_y,
                query: &query,
                seed: seed
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(((offset + b) * points + k) as u64),
                noise_var,
            };
            let (prediction, converged) = baselines::predict_checked(kind, options, &fit);
            stopped += u32::from(!converged);
            out.push(prediction);
        }
    }
    Ok((out, stopped))
}

/// An evaluation gathered chunk by chunk ([`EVAL_CHUNK`] prompts at a time): the prompts are
/// drawn, predicted and scored one chunk after another, and only each method's predictions and
/// the targets are kept. The prompts are the same as drawn in one piece.
pub struct Gather<'a> {
    config: &'a EvalConfig,
    prior: Prior<'a>,
    draw: EvalDraw,
    rng: StdRng,
    seed: u64,
    points: usize,
    dims: usize,
    drawn: usize,
    targets: Vec<f64>,
    /// Each method's predictions so far, the model's first when there is one.
    methods: Vec<(String, Vec<f64>)>,
    stopped_early: BTreeMap<String, u32>,
    /// Inputs of the first `examples` prompts, `[prompt][k][dims]`.
    example_xs: Vec<Vec<Vec<f64>>>,
}

impl<'a> Gather<'a> {
    /// Checks what the evaluation needs of the training distribution and draws what is fixed
    /// for all its prompts.
    pub fn new(
        config: &'a EvalConfig,
        prior: Prior<'a>,
        seed: u64,
        points: usize,
        dims: usize,
    ) -> Result<Self> {
        config.check_pool(prior.pool)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let draw = EvalDraw::new(
            config.probe,
            config.probe_scale,
            config.probe_noise,
            &mut rng,
            points,
            dims,
        );
        Ok(Self {
            config,
            prior,
            draw,
            rng,
            seed,
            points,
            dims,
            drawn: 0,
            targets: Vec::new(),
            methods: Vec::new(),
            stopped_early: BTreeMap::new(),
            example_xs: Vec::new(),
        })
    }

    /// Prompts per chunk: [`EVAL_CHUNK`], or fewer when the baselines' fits are heavy (64
    /// dimensions, 256 points, Lasso), so that a call gives way, and can be cancelled, every few
    /// tens of milliseconds. The prompts are the same whatever the chunks.
    fn chunk_size(&self) -> usize {
        let (p, d) = (self.points as f64, self.dims as f64);
        let o = &self.config.options;
        let pool = self.prior.pool.map_or(0, TaskPool::len) as f64;
        // rough operation counts of one prompt's fits, all k
        let work: f64 = self
            .config
            .baselines
            .iter()
            .map(|kind| match kind {
                BaselineKind::Zero => 0.0,
                BaselineKind::Averaging | BaselineKind::Knn => p * p * d,
                BaselineKind::LeastSquares | BaselineKind::Ridge | BaselineKind::BayesRidge => {
                    p * p * d * d
                }
                BaselineKind::Gd => p * p * d * f64::from(o.gd_steps),
                BaselineKind::Newton => p * d * d * d * f64::from(o.newton_steps),
                BaselineKind::Lasso => p * p * d * f64::from(o.lasso_sweeps.min(1000)),
                BaselineKind::ReluNet => {
                    p * p * d * f64::from(o.net_hidden) * f64::from(o.net_steps)
                }
                BaselineKind::Tree => p * p * d * f64::from(o.tree_depth),
                BaselineKind::BoostedTrees => {
                    p * p * d * f64::from(o.tree_depth) * f64::from(o.boost_rounds)
                }
                BaselineKind::Dmmse => p * d * pool,
            })
            .sum();
        (CHUNK_WORK / work.max(1.0)).clamp(1.0, EVAL_CHUNK as f64) as usize
    }

    /// The next chunk of prompts; `None` once every prompt has been drawn.
    pub fn next_chunk(&mut self) -> Option<EvalSet> {
        let total = self.config.prompts as usize;
        if self.drawn >= total {
            return None;
        }
        let size = self.chunk_size().min(total - self.drawn);
        let from = match self.config.tasks {
            EvalTasks::Pool => self.prior.pool,
            EvalTasks::Fresh => None,
        };
        let set = self.draw.draw(self.prior.class, from, &mut self.rng, size);
        Some(set)
    }

    /// Scores a chunk from [`Self::next_chunk`]: the model's predictions for it (if a model is
    /// evaluated), then the zero estimator and every requested baseline, deduplicated, in
    /// request order.
    pub fn add(&mut self, set: &EvalSet, model: Option<Vec<f64>>) -> Result<()> {
        let offset = self.drawn;
        let mut kinds = Vec::new();
        for &kind in std::iter::once(&BaselineKind::Zero).chain(&self.config.baselines) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let mut chunk: Vec<(String, Vec<f64>)> = Vec::new();
        if let Some(model) = model {
            chunk.push(("model".to_owned(), model));
        }
        for kind in kinds {
            let (predictions, stopped) = baseline_chunk(
                set,
                offset,
                kind,
                &self.config.options,
                self.seed,
                &self.prior,
            )?;
            if stopped > 0 {
                *self
                    .stopped_early
                    .entry(kind.name().to_owned())
                    .or_default() += stopped;
            }
            chunk.push((kind.name().to_owned(), predictions));
        }
        // room for every prompt at once: growing by doubling would hold up to twice as much
        let room = self.config.prompts as usize * self.points;
        if self.methods.is_empty() {
            self.methods = chunk
                .iter()
                .map(|(name, _)| (name.clone(), Vec::with_capacity(room)))
                .collect();
            self.targets.reserve_exact(room);
        }
        for ((_, all), (_, part)) in self.methods.iter_mut().zip(chunk) {
            all.extend(part);
        }
        self.targets.extend(set.targets());
        let wanted = (self.config.examples as usize).saturating_sub(self.example_xs.len());
        for b in 0..wanted.min(set.prompts.batch) {
            self.example_xs.push(
                (0..self.points)
                    .map(|k| set.query(b, k).0.iter().map(|&v| f64::from(v)).collect())
                    .collect(),
            );
        }
        self.drawn += set.prompts.batch;
        Ok(())
    }

    /// Method `i`'s error curve (its bootstrap is the costly part of finishing).
    fn curve(&self, i: usize) -> (String, ErrorCurve) {
        let (name, preds) = &self.methods[i];
        let normalizer = self.prior.class.error_normalizer(self.dims);
        let curve = error_curve(preds, &self.targets, self.points, normalizer, self.seed);
        (name.clone(), curve)
    }

    /// The result, once every chunk is added.
    pub fn finish(self, task: TaskKind, step: Option<u32>) -> EvalResult {
        let curves = (0..self.methods.len()).map(|i| self.curve(i)).collect();
        self.finish_with(curves, task, step)
    }

    /// [`Self::finish`], giving way to `pace` between the curves.
    pub async fn finish_paced(
        self,
        task: TaskKind,
        step: Option<u32>,
        pace: &mut Pace,
    ) -> Result<EvalResult> {
        let mut curves = BTreeMap::new();
        for i in 0..self.methods.len() {
            let (name, curve) = self.curve(i);
            curves.insert(name, curve);
            pace.tick().await?;
        }
        Ok(self.finish_with(curves, task, step))
    }

    fn finish_with(
        self,
        curves: BTreeMap<String, ErrorCurve>,
        task: TaskKind,
        step: Option<u32>,
    ) -> EvalResult {
        let (points, dims) = (self.points, self.dims);
        let batch = self.drawn;
        let targets = &self.targets;
        let normalizer = self.prior.class.error_normalizer(dims);
        let methods = &self.methods;
        let distances = match methods.iter().find(|(name, _)| name == "model") {
            Some((_, model)) => methods
                .iter()
                .filter(|(name, _)| name != "model")
                .map(|(name, preds)| (name.clone(), distance(model, preds, points, normalizer)))
                .collect(),
            None => BTreeMap::new(),
        };
        let preds = |name: &str| methods.iter().find(|(n, _)| n == name).map(|(_, p)| p);
        let span = match (preds("dmmse"), preds("bayes_ridge")) {
            (Some(a), Some(b)) => Some(distance(a, b, points, normalizer)),
            _ => None,
        };
        let position = super::diversity::position_of(&distances, span.as_deref());
        let examples = self
            .example_xs
            .iter()
            .enumerate()
            .map(|(b, xs)| Example {
                xs: xs.clone(),
                targets: targets[b * points..(b + 1) * points].to_vec(),
                predictions: methods
                    .iter()
                    .map(|(name, p)| (name.clone(), p[b * points..(b + 1) * points].to_vec()))
                    .collect(),
            })
            .collect();
        let reading = super::reading::read(&curves, dims);
        EvalResult {
            task,
            probe: self.config.probe,
            dims: dims as u32,
            points: points as u32,
            prompts: batch as u32,
            step,
            normalizer,
            curves,
            distances,
            position,
            reading,
            tasks: self.config.tasks,
            stopped_early: self.stopped_early,
            examples,
        }
    }
}

/// Mean over prompts of `(a − b)²` at each k, divided by `normalizer`.
fn distance(a: &[f64], b: &[f64], points: usize, normalizer: f64) -> Vec<f64> {
    let batch = a.len() / points.max(1);
    (0..points)
        .map(|k| {
            let sum: f64 = (0..batch)
                .map(|p| (a[p * points + k] - b[p * points + k]).powi(2))
                .sum();
            sum / (batch.max(1) as f64 * normalizer)
        })
        .collect()
}

/// Baselines only (no model): `iclab icl baselines`, and the curves a page shows before any
/// model is trained.
#[allow(clippy::too_many_arguments)]
pub fn baselines_only(
    config: &EvalConfig,
    task: TaskKind,
    class: &dyn FunctionClass,
    pool: Option<&TaskPool>,
    seed: u64,
    points: usize,
    dims: usize,
) -> Result<EvalResult> {
    let mut gather = Gather::new(config, Prior { class, pool }, seed, points, dims)?;
    while let Some(set) = gather.next_chunk() {
        gather.add(&set, None)?;
    }
    Ok(gather.finish(task, None))
}

/// [`baselines_only`], giving way to `pace` between chunks.
#[allow(clippy::too_many_arguments)]
pub async fn baselines_only_paced(
    config: &EvalConfig,
    task: TaskKind,
    class: &dyn FunctionClass,
    pool: Option<&TaskPool>,
    seed: u64,
    points: usize,
    dims: usize,
    pace: &mut Pace,
) -> Result<EvalResult> {
    let mut gather = Gather::new(config, Prior { class, pool }, seed, points, dims)?;
    while let Some(set) = gather.next_chunk() {
        gather.add(&set, None)?;
        pace.tick().await?;
    }
    gather.finish_paced(task, None, pace).await
}

#[cfg(test)]
mod tests;
