//! What each layer computes (docs/SCIENCE.md §6, Fu et al. 2023): the prediction a layer's
//! residual stream holds, read two ways — the model's own trained read-out (after its final
//! norm) and a linear probe fitted per layer on held-out prompts — and, for the probe, which
//! number of Iterative Newton iterations and which number of gradient-descent steps make the
//! most similar predictions on the same prompts.
//!
//! The model side ([`crate::Session::layers`]) hands over, per layer, the residual stream at the
//! tokens that predict `y_1 … y_k` and the read-out's predictions; everything here is host math
//! in f64 (nalgebra), so the CLI and the browser compute the same numbers.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::PromptBatch;
use super::baselines::optim::{gd_path, newton_path};
use crate::{Error, Result};

/// The bounds of a layer analysis's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const PROMPTS: Field = Field::int("prompts", 16, 4096);
    pub const FIT_PROMPTS: Field = Field::int("fitPrompts", 16, 8192);
    pub const NEWTON_MAX: Field = Field::int("newtonMax", 1, 100);
    pub const GD_MAX: Field = Field::int("gdMax", 1, 65_536);
    pub const PROBE_RIDGE: Field = Field::real("probeRidge", 0.0, 1.0);
    pub const ALL: &[Field] = &[PROMPTS, FIT_PROMPTS, NEWTON_MAX, GD_MAX, PROBE_RIDGE];
}

/// What a layer analysis is computed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LayersConfig {
    /// Prompts every layer's predictions are scored on (in distribution, fresh tasks).
    /// Default 512.
    pub prompts: u32,
    /// Held-out prompts the probes are fitted on: a stream of their own, separate from the
    /// scoring prompts and from training. Default 1,024.
    pub fit_prompts: u32,
    /// Newton is compared after 0, 1, …, `newtonMax` iterations. Default 24 (Fu et al. plot
    /// 1–23).
    pub newton_max: u32,
    /// Gradient descent is compared at step counts growing by √2 from 1 up to `gdMax`.
    /// Default 4,096.
    pub gd_max: u32,
    /// Ridge strength of the probes, relative to the mean squared feature:
    /// `(ZᵀZ + λ·tr(ZᵀZ)/D·I) w = Zᵀy`. Default 1e-4 (a stabilizer, not a prior).
    pub probe_ridge: f64,
    /// Seeds both prompt sets. Default: derived from the session seed.
    pub seed: Option<u32>,
}

impl Default for LayersConfig {
    fn default() -> Self {
        Self {
            prompts: 512,
            fit_prompts: 1024,
            newton_max: 24,
            gd_max: 4096,
            probe_ridge: 1e-4,
            seed: None,
        }
    }
}

/// Salt of the probes' fitting prompts, so they never repeat the scoring ones.
const FIT_SALT: u64 = 0x1A7E_25F1_7000_0000;

impl LayersConfig {
    pub fn from_json(text: &str) -> Result<Self> {
        let config: Self =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(text))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        fields::PROMPTS.check_u32(self.prompts)?;
        fields::FIT_PROMPTS.check_u32(self.fit_prompts)?;
        fields::NEWTON_MAX.check_u32(self.newton_max)?;
        fields::GD_MAX.check_u32(self.gd_max)?;
        fields::PROBE_RIDGE.check(self.probe_ridge)
    }

    /// Seeds of the scoring and the fitting prompts, given the session's.
    pub fn seeds_for(&self, session_seed: u32) -> (u64, u64) {
        let seed = match self.seed {
            Some(seed) => u64::from(seed),
            None => u64::from(session_seed) ^ 0x1A7E_25E7_A100_0000,
        };
        (seed, seed ^ FIT_SALT)
    }

    /// The gradient-descent step counts compared: 1, then ×√2 rounded, deduplicated, up to and
    /// including `gdMax`.
    pub fn gd_steps(&self) -> Vec<u32> {
        let mut steps = vec![];
        let mut t = 1.0f64;
        while t.round() as u32 <= self.gd_max {
            let r = t.round() as u32;
            if steps.last() != Some(&r) {
                steps.push(r);
            }
            t *= std::f64::consts::SQRT_2;
        }
        if steps.last() != Some(&self.gd_max) {
            steps.push(self.gd_max);
        }
        steps
    }
}

/// What the model side measures of one layer on a prompt set: `[batch, points, width]`
/// residual-stream rows at the predicting tokens and `[batch, points]` read-out predictions.
pub struct LayerOutputs {
    pub width: usize,
    pub features: Vec<f32>,
    pub read_out: Vec<f64>,
}

/// The best match of one method for one layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// Iterations (Newton) or steps (GD) of the most similar predictions.
    pub steps: u32,
    /// Their distance to the layer's probe: mean over prompts and k ≥ 1 of the squared
    /// difference of predictions, divided by the task's error normalizer.
    pub distance: f64,
}

/// One layer: its predictions' errors and how they compare with the iterative solvers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LayerReport {
    /// 0: the stream after the read-in (and positions); ℓ: after block ℓ.
    pub layer: u32,
    /// Normalized error after k examples of the trained read-out applied to this stream.
    pub read_out: Vec<f64>,
    /// Normalized error after k examples of this layer's linear probe.
    pub probe: Vec<f64>,
    /// The probe's distance to Newton after each of `newtonSteps`.
    pub newton: Vec<f64>,
    /// The probe's distance to gradient descent after each of `gdSteps`.
    pub gd: Vec<f64>,
    pub best_newton: Match,
    pub best_gd: Match,
}

/// Every layer of a model on one set of prompts (`Session.layers` in JS, `iclab icl layers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LayersResult {
    pub task: super::TaskKind,
    pub dims: u32,
    pub points: u32,
    pub prompts: u32,
    pub fit_prompts: u32,
    /// The model's training step.
    pub step: u32,
    /// What squared errors and distances were divided by (as in an evaluation).
    pub normalizer: f64,
    /// Newton iteration counts compared (0, 1, …, newtonMax).
    pub newton_steps: Vec<u32>,
    /// Gradient-descent step counts compared.
    pub gd_steps: Vec<u32>,
    /// Least squares' error after k examples on the same prompts, for reference.
    pub least_squares: Vec<f64>,
    /// Layer 0 (the read-in) to the last block; the last layer's read-out is the model.
    pub layers: Vec<LayerReport>,
}

/// A linear probe `ŷ = wᵀ[z; 1]` fitted by ridge on rows `z` of width `width`:
/// `(ZᵀZ + λ·tr(ZᵀZ)/D·I) w = Zᵀy` over the features (the bias is not penalized).
pub fn fit_probe(features: &[f32], width: usize, targets: &[f64], ridge: f64) -> Result<Vec<f64>> {
    let n = targets.len();
    if width == 0 || features.len() != n * width || n == 0 {
        return Err(Error::invalid(
            "features",
            format!(
                "{} numbers do not make {n} rows of width {width}",
                features.len()
            ),
        ));
    }
    let dim = width + 1;
    let mut gram = DMatrix::<f64>::zeros(dim, dim);
    let mut zty = DVector::<f64>::zeros(dim);
    let mut row = DVector::<f64>::zeros(dim);
    for (i, &y) in targets.iter().enumerate() {
        for (j, &v) in features[i * width..(i + 1) * width].iter().enumerate() {
            row[j] = f64::from(v);
        }
        row[width] = 1.0;
        gram.ger(1.0, &row, &row, 1.0);
        zty.axpy(y, &row, 1.0);
    }
    let trace: f64 = (0..width).map(|j| gram[(j, j)]).sum();
    let lambda = ridge * trace / width as f64;
    for j in 0..width {
        gram[(j, j)] += lambda.max(1e-12);
    }
    let w = gram
        .clone()
        .cholesky()
        .map(|c| c.solve(&zty))
        .or_else(|| gram.svd(true, true).solve(&zty, 1e-12).ok())
        .ok_or_else(|| Error::backend("the probe's normal equations could not be solved"))?;
    if w.iter().any(|v| !v.is_finite()) {
        return Err(Error::backend("the probe's weights are not finite"));
    }
    Ok(w.iter().copied().collect())
}

/// The probe's prediction for each row.
pub fn apply_probe(weights: &[f64], features: &[f32], width: usize) -> Vec<f64> {
    features
        .chunks_exact(width)
        .map(|z| {
            z.iter()
                .zip(weights)
                .map(|(&v, w)| f64::from(v) * w)
                .sum::<f64>()
                + weights[width]
        })
        .collect()
}

/// Normalized squared error after k examples, `[batch, points]` predictions and targets.
fn error_by_k(preds: &[f64], targets: &[f64], points: usize, normalizer: f64) -> Vec<f64> {
    let batch = targets.len() / points.max(1);
    (0..points)
        .map(|k| {
            (0..batch)
                .map(|b| (preds[b * points + k] - targets[b * points + k]).powi(2))
                .sum::<f64>()
                / (batch.max(1) as f64 * normalizer)
        })
        .collect()
}

/// Mean over prompts and k ≥ 1 of `(a − b)²`, divided by `normalizer` (at k = 0 every method
/// answers 0 and says nothing about the algorithm).
pub fn distance(a: &[f64], b: &[f64], points: usize, normalizer: f64) -> f64 {
    let batch = a.len() / points.max(1);
    let mut sum = 0.0;
    for p in 0..batch {
        for k in 1..points {
            sum += (a[p * points + k] - b[p * points + k]).powi(2);
        }
    }
    sum / ((batch * points.saturating_sub(1)).max(1) as f64 * normalizer)
}

/// Predictions `[T][batch·points]` of Newton after each iteration count, GD after each step
/// count, and least squares, on `set` (each prompt's context is its first k pairs, the query
/// `x_{k+1}`).
fn solver_predictions(
    set: &PromptBatch,
    newton_max: u32,
    gd_steps: &[u32],
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) {
    let (batch, points, dims) = (set.batch, set.points, set.dims);
    let n = batch * points;
    let mut newton = vec![vec![0.0; n]; newton_max as usize + 1];
    let mut gd = vec![vec![0.0; n]; gd_steps.len()];
    let mut ls = vec![0.0; n];
    for b in 0..batch {
        let (xs, ys) = set.prompt(b);
        let all_x = DMatrix::from_row_iterator(points, dims, xs.iter().map(|&v| f64::from(v)));
        let all_y = DVector::from_iterator(points, ys.iter().map(|&v| f64::from(v)));
        for k in 1..points {
            let (cx, cy) = (all_x.rows(0, k).into_owned(), all_y.rows(0, k).into_owned());
            let q = all_x.row(k).transpose();
            for (t, w) in newton_path(&cx, &cy, newton_max).iter().enumerate() {
                newton[t][b * points + k] = w.dot(&q);
            }
            for (t, w) in gd_path(&cx, &cy, gd_steps).iter().enumerate() {
                gd[t][b * points + k] = w.dot(&q);
            }
            ls[b * points + k] = super::baselines::linear::least_squares(&cx, &cy).dot(&q);
        }
    }
    (newton, gd, ls)
}

fn best(distances: &[f64], steps: &[u32]) -> Match {
    let (i, d) = distances
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or((0, f64::NAN), |(i, &d)| (i, d));
    Match {
        steps: steps.get(i).copied().unwrap_or(0),
        distance: d,
    }
}

/// The analysis, from the model side's per-layer outputs on the fitting and scoring prompts.
pub struct Analysis<'a> {
    pub config: &'a LayersConfig,
    pub task: super::TaskKind,
    pub normalizer: f64,
    pub step: u32,
    pub fit: &'a PromptBatch,
    pub fit_layers: &'a [LayerOutputs],
    pub scored: &'a PromptBatch,
    pub scored_layers: &'a [LayerOutputs],
}

impl Analysis<'_> {
    pub fn run(&self) -> Result<LayersResult> {
        let (config, set) = (self.config, self.scored);
        let points = set.points;
        let fit_targets: Vec<f64> = self.fit.ys.iter().map(|&v| f64::from(v)).collect();
        let targets: Vec<f64> = set.ys.iter().map(|&v| f64::from(v)).collect();
        let gd_steps = config.gd_steps();
        let newton_steps: Vec<u32> = (0..=config.newton_max).collect();
        let (newton, gd, ls) = solver_predictions(set, config.newton_max, &gd_steps);
        let norm = self.normalizer;
        let layers = self
            .fit_layers
            .iter()
            .zip(self.scored_layers)
            .enumerate()
            .map(|(layer, (fit, scored))| {
                let w = fit_probe(&fit.features, fit.width, &fit_targets, config.probe_ridge)?;
                let probe = apply_probe(&w, &scored.features, scored.width);
                let to = |method: &[Vec<f64>]| -> Vec<f64> {
                    method
                        .iter()
                        .map(|m| distance(&probe, m, points, norm))
                        .collect()
                };
                let (newton, gd) = (to(&newton), to(&gd));
                Ok(LayerReport {
                    layer: layer as u32,
                    read_out: error_by_k(&scored.read_out, &targets, points, norm),
                    probe: error_by_k(&probe, &targets, points, norm),
                    best_newton: best(&newton, &newton_steps),
                    best_gd: best(&gd, &gd_steps),
                    newton,
                    gd,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(LayersResult {
            task: self.task,
            dims: set.dims as u32,
            points: points as u32,
            prompts: set.batch as u32,
            fit_prompts: self.fit.batch as u32,
            step: self.step,
            normalizer: norm,
            newton_steps,
            gd_steps,
            least_squares: error_by_k(&ls, &targets, points, norm),
            layers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Features that hold `y` linearly (plus a constant) give a probe that recovers it exactly.
    #[test]
    fn probe_recovers_a_constructed_linear_read_out() {
        // rows z = (a, b, c); y = 2a − 0.5c + 3
        let rows: Vec<[f32; 3]> = (0..40)
            .map(|i| {
                let t = i as f32;
                [(t * 0.37).sin(), (t * 0.11).cos(), t / 40.0 - 0.5]
            })
            .collect();
        let features: Vec<f32> = rows.iter().flatten().copied().collect();
        let ys: Vec<f64> = rows
            .iter()
            .map(|r| 2.0 * f64::from(r[0]) - 0.5 * f64::from(r[2]) + 3.0)
            .collect();
        let w = fit_probe(&features, 3, &ys, 0.0).expect("fit");
        for (got, want) in w.iter().zip([2.0, 0.0, -0.5, 3.0]) {
            assert!((got - want).abs() < 1e-5, "{w:?}");
        }
        let back = apply_probe(&w, &features, 3);
        for (p, y) in back.iter().zip(&ys) {
            assert!((p - y).abs() < 1e-5);
        }
        // a strong ridge shrinks the feature weights, never the bias
        let shrunk = fit_probe(&features, 3, &ys, 1.0).expect("fit");
        assert!(shrunk[0].abs() < 2.0 && shrunk[3] > 2.0, "{shrunk:?}");
        // the wrong number of features is an error naming them
        let err = fit_probe(&features[1..], 3, &ys, 0.0).expect_err("ragged");
        assert_eq!(err.field(), Some("features"));
    }

    #[test]
    fn the_gd_grid_grows_by_root_two_and_ends_at_the_maximum() {
        let config = LayersConfig {
            gd_max: 100,
            ..LayersConfig::default()
        };
        assert_eq!(
            config.gd_steps(),
            vec![1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 100]
        );
        assert_eq!(LayersConfig::default().gd_steps().last(), Some(&4096));
    }

    #[test]
    fn distance_skips_k_zero_and_divides_by_the_normalizer() {
        // two prompts, three points: squared differences at k = 1, 2 are 1, 4 and 0, 9
        let a = [5.0, 1.0, 2.0, -3.0, 0.0, 3.0];
        let b = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        assert!((distance(&a, &b, 3, 2.0) - (1.0 + 4.0 + 0.0 + 9.0) / 4.0 / 2.0).abs() < 1e-12);
    }

    #[test]
    fn defaults_validate_and_bad_numbers_name_their_field() {
        LayersConfig::default().validate().expect("defaults");
        let err = LayersConfig::from_json(r#"{"gdMax": 0}"#).expect_err("too few");
        assert_eq!(err.field(), Some("gdMax"));
        let err = LayersConfig::from_json(r#"{"probes": 3}"#).expect_err("unknown");
        assert!(err.to_string().contains("probes"), "{err}");
    }
}
