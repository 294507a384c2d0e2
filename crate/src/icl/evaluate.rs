//! Error vs number of in-context examples for a model and any baselines on the same prompts
//! (SCIENCE.md §1): one [`EvalConfig`] schema for JS and the CLI, one [`EvalResult`] with each
//! curve keyed by its method's name (`model`, `least_squares`, …).

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::baselines::{BaselineKind, BaselineOptions};
use super::curves::ErrorCurve;
use super::probe::{EvalSet, Probe};
use super::{FunctionClass, TaskKind, TaskPool};
use crate::pace::Pace;
use crate::{Error, Result};

/// Prompts per chunk of an evaluation: the prompts, their inputs and the model's activations
/// are held one chunk at a time, so an evaluation's memory does not grow with `prompts` beyond
/// one prediction per prompt and k for each method.
pub const EVAL_CHUNK: usize = 256;

/// The bounds of an evaluation's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const PROMPTS: Field = Field::int("prompts", 1, 20_000);
    pub const PROBE_SCALE: Field = Field::positive("probeScale", 100.0).labelled("×");
    pub const PROBE_NOISE: Field = Field::real("probeNoise", 0.0, 100.0).labelled("σ =");
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
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Fresh => "fresh tasks",
            Self::Pool => "the training pool's tasks",
        }
    }

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
    Ok(gather::baseline_rows(set, 0..set.prompts.batch, 0, kind, options, seed, prior)?.0)
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
        gather.add_paced(&set, None, pace).await?;
        pace.tick().await?;
    }
    gather.finish_paced(task, None, pace).await
}

mod gather;

pub use gather::Gather;

#[cfg(test)]
mod tests;
