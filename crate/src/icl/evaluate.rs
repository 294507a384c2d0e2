//! Error vs number of in-context examples for a model and any baselines on the same prompts
//! (SCIENCE.md §1): one [`EvalConfig`] schema for JS and the CLI, one [`EvalResult`] with each
//! curve keyed by its method's name (`model`, `least_squares`, …).

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::baselines::{self, BaselineKind, BaselineOptions, Fit};
use super::eval::{ErrorCurve, error_curve};
use super::probe::{EvalSet, Probe};
use super::{FunctionClass, TaskKind};
use crate::{Error, Result};

/// Most prompts one evaluation may use.
pub const MAX_PROMPTS: u32 = 20_000;

/// What to evaluate on and against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        crate::config::check_range("prompts", self.prompts, 1, MAX_PROMPTS)?;
        if !self.probe_scale.is_finite() || self.probe_scale <= 0.0 || self.probe_scale > 100.0 {
            return Err(Error::invalid(
                "probeScale",
                format!("must be a number in (0, 100], got {}", self.probe_scale),
            ));
        }
        if !self.probe_noise.is_finite() || self.probe_noise < 0.0 || self.probe_noise > 100.0 {
            return Err(Error::invalid(
                "probeNoise",
                format!("must be a number in [0, 100], got {}", self.probe_noise),
            ));
        }
        if self.examples > self.prompts.min(64) {
            return Err(Error::invalid(
                "examples",
                format!(
                    "must be at most min(prompts, 64) = {}, got {}",
                    self.prompts.min(64),
                    self.examples
                ),
            ));
        }
        self.options.validate()
    }

    /// The seed actually used, given the session's.
    pub fn seed_for(&self, session_seed: u32) -> u64 {
        match self.seed {
            Some(seed) => u64::from(seed),
            None => u64::from(session_seed) ^ 0x5EED_E7A1_0000_0000,
        }
    }

    /// The evaluation prompts for a task.
    pub fn sample(
        &self,
        class: &dyn FunctionClass,
        seed: u64,
        points: usize,
        dims: usize,
    ) -> EvalSet {
        let mut rng = StdRng::seed_from_u64(seed);
        EvalSet::sample(
            class,
            self.probe,
            self.probe_scale,
            self.probe_noise,
            &mut rng,
            self.prompts as usize,
            points,
            dims,
        )
    }
}

/// Raw numbers of one prompt, for the single-prompt view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The first `examples` prompts in full.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Example>,
}

/// Predictions of one baseline for every prompt and k, `[batch, points]`.
pub fn baseline_predictions(
    set: &EvalSet,
    kind: BaselineKind,
    options: &BaselineOptions,
    seed: u64,
) -> Vec<f64> {
    let (batch, points, dims) = (set.prompts.batch, set.prompts.points, set.prompts.dims);
    let mut out = Vec::with_capacity(batch * points);
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
                    .wrapping_add((b * points + k) as u64),
            };
            out.push(baselines::predict(kind, options, &fit));
        }
    }
    out
}

/// Builds the result from per-method predictions (`[batch, points]` each).
pub fn assemble(
    config: &EvalConfig,
    task: TaskKind,
    class: &dyn FunctionClass,
    set: &EvalSet,
    seed: u64,
    step: Option<u32>,
    methods: Vec<(String, Vec<f64>)>,
) -> EvalResult {
    let (batch, points, dims) = (set.prompts.batch, set.prompts.points, set.prompts.dims);
    let targets = set.targets();
    let normalizer = class.error_normalizer(dims);
    let curves = methods
        .iter()
        .map(|(name, preds)| {
            (
                name.clone(),
                error_curve(preds, &targets, points, normalizer, seed),
            )
        })
        .collect();
    let examples = (0..(config.examples as usize).min(batch))
        .map(|b| Example {
            xs: (0..points)
                .map(|k| set.query(b, k).0.iter().map(|&v| f64::from(v)).collect())
                .collect(),
            targets: targets[b * points..(b + 1) * points].to_vec(),
            predictions: methods
                .iter()
                .map(|(name, p)| (name.clone(), p[b * points..(b + 1) * points].to_vec()))
                .collect(),
        })
        .collect();
    EvalResult {
        task,
        probe: config.probe,
        dims: dims as u32,
        points: points as u32,
        prompts: batch as u32,
        step,
        normalizer,
        curves,
        examples,
    }
}

/// Baselines only (no model): `iclab icl baselines`, and the curves a page shows before any
/// model is trained.
pub fn baselines_only(
    config: &EvalConfig,
    task: TaskKind,
    class: &dyn FunctionClass,
    seed: u64,
    points: usize,
    dims: usize,
) -> EvalResult {
    let set = config.sample(class, seed, points, dims);
    let methods = run_baselines(config, &set, seed);
    assemble(config, task, class, &set, seed, None, methods)
}

/// The zero estimator, then every requested baseline, deduplicated, in request order.
pub fn run_baselines(config: &EvalConfig, set: &EvalSet, seed: u64) -> Vec<(String, Vec<f64>)> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for &kind in std::iter::once(&BaselineKind::Zero).chain(&config.baselines) {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        out.push((
            kind.name().to_owned(),
            baseline_predictions(set, kind, &config.options, seed),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::TaskParams;

    fn params() -> TaskParams {
        TaskParams {
            sparsity: 3,
            noise_std: 1.0,
            condition_number: 100.0,
        }
    }

    fn run(task: TaskKind, baselines: Vec<BaselineKind>, dims: usize, points: usize) -> EvalResult {
        let config = EvalConfig {
            baselines,
            ..Default::default()
        };
        let class = task.class(params());
        baselines_only(&config, task, class.as_ref(), 11, points, dims)
    }

    /// SCIENCE.md §1 exact oracle: least squares on noiseless linear data has expected
    /// normalized error max(d − k, 0)/d; the bootstrap band must cover it (with a small slack
    /// for the 10% of k where a 90% band may miss by chance).
    #[test]
    fn least_squares_matches_the_oracle() {
        let (d, points) = (5, 11);
        let result = run(
            TaskKind::Linear,
            vec![BaselineKind::LeastSquares],
            d,
            points,
        );
        let curve = &result.curves["least_squares"];
        let mut misses = 0;
        for k in 0..points {
            let oracle = (d as f64 - k as f64).max(0.0) / d as f64;
            let (lo, hi) = (curve.lower[k], curve.upper[k]);
            if !(lo - 1e-6 <= oracle && oracle <= hi + 1e-6) {
                misses += 1;
            }
            assert!(
                (curve.mean[k] - oracle).abs() < 0.1,
                "k={k}: {} vs {oracle}",
                curve.mean[k]
            );
        }
        assert!(
            misses <= 2,
            "band missed the oracle at {misses} of {points} k"
        );
        assert!(curve.mean[d..].iter().all(|&e| e < 1e-8), "exact at k >= d");
    }

    /// SCIENCE.md §1: the zero estimator scores `E[y²]`/normalizer on the prompts evaluated,
    /// which is not 1 under scaled inputs (scale²) or with output noise ((d + σ²)/d). Before it
    /// was a curve of its own, the pages drew it as a constant line at 1.
    #[test]
    fn the_zero_estimator_scores_what_answering_zero_scores() {
        let d = 5;
        let expect = |probe: Probe, scale: f64, noise: f64, task: TaskKind, want: f64| {
            let config = EvalConfig {
                prompts: 4000,
                probe,
                probe_scale: scale,
                probe_noise: noise,
                baselines: vec![],
                ..Default::default()
            };
            let class = task.class(params());
            let r = baselines_only(&config, task, class.as_ref(), 5, 11, d);
            // each k's mean has a few % sampling error (y⁴ is heavy-tailed over w); their
            // average over k much less
            let zero = &r.curves["zero"].mean;
            let mean = zero.iter().sum::<f64>() / zero.len() as f64;
            let what = format!("{probe:?} ×{scale} σ {noise} {task:?}");
            assert!(
                (mean - want).abs() < 0.04 * want,
                "{what}: {mean} vs {want}"
            );
            for (k, e) in zero.iter().enumerate() {
                assert!(
                    (e - want).abs() < 0.12 * want,
                    "{what}, k = {k}: {e} vs {want}"
                );
            }
        };
        expect(Probe::None, 1.0, 0.0, TaskKind::Linear, 1.0);
        expect(Probe::Scaled, 1.0 / 3.0, 0.0, TaskKind::Linear, 1.0 / 9.0);
        expect(Probe::Scaled, 3.0, 0.0, TaskKind::Linear, 9.0);
        // noisy linear with σ = 1 (params()): (d + σ²)/d = 1.2 at d = 5
        expect(Probe::None, 1.0, 0.0, TaskKind::NoisyLinear, 1.2);
        expect(Probe::Noisy, 1.0, 1.0, TaskKind::Linear, 1.2);
    }

    #[test]
    fn ridge_with_tiny_alpha_is_least_squares() {
        let mut config = EvalConfig {
            prompts: 200,
            baselines: vec![BaselineKind::LeastSquares, BaselineKind::Ridge],
            ..Default::default()
        };
        config.options.ridge_alpha = 1e-9;
        let class = TaskKind::Linear.class(params());
        let r = baselines_only(&config, TaskKind::Linear, class.as_ref(), 3, 9, 4);
        for (a, b) in r.curves["least_squares"]
            .mean
            .iter()
            .zip(&r.curves["ridge"].mean)
        {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    /// Newton–Schulz needs about log₂ κ(XᵀX)² iterations, unbounded near k = d where XᵀX is
    /// nearly singular, and on rank-deficient XᵀX (k < d) rounding noise in the null space
    /// doubles every iteration; so "enough" is 30 iterations away from k ∈ {d − 1, d, d + 1}.
    #[test]
    fn newton_with_enough_steps_is_least_squares() {
        let (d, points) = (4, 12);
        let mut config = EvalConfig {
            prompts: 100,
            baselines: vec![BaselineKind::LeastSquares, BaselineKind::Newton],
            ..Default::default()
        };
        config.options.newton_steps = 30;
        let class = TaskKind::Linear.class(params());
        let set = config.sample(class.as_ref(), 4, points, d);
        let ls = baseline_predictions(&set, BaselineKind::LeastSquares, &config.options, 0);
        let nw = baseline_predictions(&set, BaselineKind::Newton, &config.options, 0);
        for (i, (a, b)) in ls.iter().zip(&nw).enumerate() {
            let k = i % points;
            if (d - 1..=d + 1).contains(&k) {
                continue;
            }
            assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "k={k}: {a} vs {b}");
        }
    }

    #[test]
    fn every_baseline_runs_and_starts_at_zero() {
        let config = EvalConfig {
            prompts: 4,
            baselines: BaselineKind::ALL.to_vec(),
            examples: 2,
            ..Default::default()
        };
        for task in TaskKind::ALL {
            let class = task.class(params());
            let r = baselines_only(&config, task, class.as_ref(), 1, 6, 3);
            assert_eq!(r.curves.len(), BaselineKind::ALL.len(), "{task:?}");
            for (name, curve) in &r.curves {
                assert!(curve.mean.iter().all(|e| e.is_finite()), "{name}");
            }
            for ex in &r.examples {
                for preds in ex.predictions.values() {
                    assert_eq!(preds[0], 0.0, "no examples → zero estimator");
                }
            }
        }
    }

    #[test]
    fn bad_eval_configs_name_the_field() {
        for (json, field) in [
            (r#"{"prompts": 0}"#, "prompts"),
            (r#"{"probe": "sideways"}"#, "probe"),
            (r#"{"baselines": ["magic"]}"#, "baselines[0]"),
            (r#"{"options": {"ridgeAlpha": -1}}"#, "options.ridgeAlpha"),
            (r#"{"options": {"knnNeigbors": 3}}"#, "options.knnNeigbors"),
            (r#"{"probeScale": 0}"#, "probeScale"),
            (r#"{"examples": 100}"#, "examples"),
        ] {
            let err = EvalConfig::from_json(json).expect_err(json);
            assert_eq!(err.field(), Some(field), "{json}: {err}");
        }
    }
}
