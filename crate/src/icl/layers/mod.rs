//! What each layer computes (docs/SCIENCE.md §6, Fu et al. 2023): the prediction a layer's
//! residual stream holds, read two ways — the model's own trained read-out (after its final
//! norm) and a linear probe fitted per layer on held-out prompts — and, for the probe, which
//! Iterative Newton iterate and which gradient-descent iterate it is nearest (`paths`), by two
//! measures (`compare`), and whether the data can tell the two methods apart there at all.
//!
//! The model side ([`crate::Session::layers`]) hands over, per layer, the residual stream at the
//! tokens that predict `y_1 … y_k` and the read-out's predictions; everything here is host math
//! in f64 (nalgebra), so the CLI and the browser compute the same numbers.

use serde::{Deserialize, Serialize};

use super::PromptBatch;
use crate::Result;

pub mod compare;
pub mod paths;
mod probe;
mod statement;

pub use probe::{apply_probe, fit_probe};
use statement::measure_statement;

pub use compare::{Comparison, Match, Metric, Resembles};
use compare::{Parts, Start, best, margin_noise, verdict};
pub use paths::Paths;

/// The bounds of a layer analysis's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const PROMPTS: Field = Field::int("prompts", 16, 4096);
    pub const FIT_PROMPTS: Field = Field::int("fitPrompts", 16, 8192);
    pub const NEWTON_MAX: Field = Field::int("newtonMax", 1, 100);
    pub const GD_MAX: Field = Field::int("gdMax", 1, 1 << 20);
    pub const GD_STEP: Field = Field::positive("gdStep", 10.0);
    pub const PROBE_RIDGE: Field = Field::real("probeRidge", 0.0, 1.0);
    pub const ALL: &[Field] = &[
        PROMPTS,
        FIT_PROMPTS,
        NEWTON_MAX,
        GD_MAX,
        GD_STEP,
        PROBE_RIDGE,
    ];
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
    /// Newton is compared after 0, 1, …, `newtonMax` iterations. Default 24 (Fu et al. compare
    /// 1–23).
    pub newton_max: u32,
    /// Gradient descent is compared at step counts growing by √2 from 1 up to `gdMax`.
    /// Default 65,536: with the reference's small fixed step, GD needs tens of thousands of
    /// steps to reach least squares at these sizes.
    pub gd_max: u32,
    /// Gradient descent's fixed step size on the summed loss `½‖Xw − y‖²`, one for every prompt
    /// and k. Default 0.01, Fu et al.'s (`eval_similarity.py`).
    pub gd_step: f64,
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
            gd_max: 65_536,
            gd_step: 0.01,
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
        fields::GD_STEP.check(self.gd_step)?;
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
    /// The probe's prediction distance (RMS) to Newton after each of `newtonSteps`.
    pub newton: Vec<f64>,
    /// … to gradient descent with the fixed step after each of `gdSteps`.
    pub gd: Vec<f64>,
    /// … to gradient descent with the per-prompt step after each of `gdSteps`.
    pub gd_optimal: Vec<f64>,
    /// Fu et al.'s similarity (mean residual cosine) to Newton after each of `newtonSteps`.
    pub newton_cosine: Vec<f64>,
    /// … to gradient descent with the fixed step after each of `gdSteps`.
    pub gd_cosine: Vec<f64>,
    /// By prediction distance: the nearest iterates, their separation and the verdict.
    pub prediction: Comparison,
    /// By residual similarity (Fu et al.'s measure).
    pub residual: Comparison,
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
    /// What squared errors were divided by (as in an evaluation; distances are the root of the
    /// mean squared difference divided by it).
    pub normalizer: f64,
    /// Newton iteration counts compared (0, 1, …, newtonMax).
    pub newton_steps: Vec<u32>,
    /// Gradient-descent step counts compared.
    pub gd_steps: Vec<u32>,
    /// GD's fixed step size (the reference's 0.01 by default).
    pub gd_step: f64,
    /// (prompt, k) problems on which that fixed step diverges (η λ_max(XᵀX) ≥ 2).
    pub gd_unstable: u32,
    /// The methods against each other: for each Newton iterate, the nearest fixed-step GD
    /// iterate by prediction distance. A model whose layers sit on this correspondence says
    /// nothing about which method it follows.
    pub correspondence: Vec<Match>,
    /// Least squares' error after k examples on the same prompts, for reference.
    pub least_squares: Vec<f64>,
    /// Layer 0 (the read-in) to the last block; the last layer's read-out is the model.
    pub layers: Vec<LayerReport>,
    /// The finding in words: per measure, the layers called for Newton, for GD, and those where
    /// the two cannot be told apart.
    pub statement: String,
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

/// One measure at one layer: the comparison and the per-iterate values behind it (distances for
/// the prediction measure, mean cosines for the residual one).
struct Measured {
    comparison: Comparison,
    newton: Vec<f64>,
    gd: Vec<f64>,
    gd_optimal: Vec<f64>,
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
    /// The methods' paths on the scored prompts ([`Paths::compute`]).
    pub paths: &'a Paths,
}

impl Analysis<'_> {
    pub fn run(&self) -> Result<LayersResult> {
        let (config, set) = (self.config, self.scored);
        let points = set.points;
        let fit_targets: Vec<f64> = self.fit.ys.iter().map(|&v| f64::from(v)).collect();
        let targets: Vec<f64> = set.ys.iter().map(|&v| f64::from(v)).collect();
        let gd_steps = config.gd_steps();
        let newton_steps: Vec<u32> = (0..=config.newton_max).collect();
        let paths = self.paths;
        let norm = self.normalizer;
        let (seed, _) = config.seeds_for(0);
        let parts =
            |metric: Metric, a: &[f64], b: &[f64]| Parts::new(metric, a, b, &targets, points, norm);
        let zeros = vec![0.0; targets.len()];
        let correspondence = paths
            .newton
            .iter()
            .map(|n| {
                let d: Vec<f64> = paths
                    .gd
                    .iter()
                    .map(|g| parts(Metric::Prediction, n, g).distance(None))
                    .collect();
                let (i, distance) = best(&d, false).unwrap_or((0, f64::NAN));
                Match {
                    steps: gd_steps[i],
                    distance,
                }
            })
            .collect();
        let layers = self
            .fit_layers
            .iter()
            .zip(self.scored_layers)
            .enumerate()
            .map(|(layer, (fit, scored))| {
                let w = fit_probe(&fit.features, fit.width, &fit_targets, config.probe_ridge)?;
                let probe = apply_probe(&w, &scored.features, scored.width);
                let all = |metric: Metric, method: &[Vec<f64>]| -> Vec<Parts> {
                    method.iter().map(|m| parts(metric, &probe, m)).collect()
                };
                let distances =
                    |p: &[Parts]| p.iter().map(|x| x.distance(None)).collect::<Vec<_>>();
                let cosines = |p: &[Parts]| p.iter().map(Parts::cosine).collect::<Vec<_>>();
                let salt = seed ^ (layer as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let compare = |metric: Metric| -> Measured {
                    let (nw, gd, go) = (
                        all(metric, &paths.newton),
                        all(metric, &paths.gd),
                        all(metric, &paths.gd_optimal),
                    );
                    let (dn, dg, dgo) = (distances(&nw), distances(&gd), distances(&go));
                    // prediction: the nearest iterate; residual: Fu et al.'s largest mean cosine
                    let pick = |p: &[Parts], d: &[f64]| {
                        match metric {
                            Metric::Prediction => best(d, false).map(|(i, _)| i),
                            Metric::Residual => best(&cosines(p), true).map(|(i, _)| i),
                        }
                        .unwrap_or(0)
                    };
                    let (n, g, o) = (pick(&nw, &dn), pick(&gd, &dg), pick(&go, &dgo));
                    let separation = parts(metric, &paths.newton[n], &paths.gd[g]).distance(None);
                    let noise = margin_noise(&nw[n], &gd[g], salt ^ metric as u64);
                    // the zero predictor, where both methods start
                    let to_zero = parts(metric, &probe, &zeros);
                    let nearer = if dn[n] <= dg[g] {
                        (&nw[n], &paths.newton[n])
                    } else {
                        (&gd[g], &paths.gd[g])
                    };
                    let start = Start {
                        to_start: to_zero.distance(None),
                        method_to_start: parts(metric, nearer.1, &zeros).distance(None),
                        noise: margin_noise(nearer.0, &to_zero, salt ^ 0x5 ^ metric as u64),
                    };
                    let (resembles, evidence) = verdict(dn[n], dg[g], separation, noise, start);
                    let comparison = Comparison {
                        metric,
                        newton: Match {
                            steps: newton_steps[n],
                            distance: dn[n],
                        },
                        gd: Match {
                            steps: gd_steps[g],
                            distance: dg[g],
                        },
                        gd_optimal: Match {
                            steps: gd_steps[o],
                            distance: dgo[o],
                        },
                        separation,
                        to_start: start.to_start,
                        resembles,
                        evidence,
                    };
                    Measured {
                        comparison,
                        newton: if metric == Metric::Prediction {
                            dn
                        } else {
                            cosines(&nw)
                        },
                        gd: if metric == Metric::Prediction {
                            dg
                        } else {
                            cosines(&gd)
                        },
                        gd_optimal: dgo,
                    }
                };
                let (prediction, residual) =
                    (compare(Metric::Prediction), compare(Metric::Residual));
                Ok(LayerReport {
                    layer: layer as u32,
                    read_out: error_by_k(&scored.read_out, &targets, points, norm),
                    probe: error_by_k(&probe, &targets, points, norm),
                    newton: prediction.newton,
                    gd: prediction.gd,
                    gd_optimal: prediction.gd_optimal,
                    newton_cosine: residual.newton,
                    gd_cosine: residual.gd,
                    prediction: prediction.comparison,
                    residual: residual.comparison,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let of = |f: fn(&LayerReport) -> &Comparison| -> Vec<(u32, &Comparison)> {
            layers.iter().map(|l| (l.layer, f(l))).collect()
        };
        let statement = format!(
            "{} {} (A layer is called for one method only when it sits within half the distance between the two methods' matched iterates of one, at least half that distance nearer it than the other, past twice the bootstrap error.)",
            measure_statement("By prediction distance", &of(|l| &l.prediction)),
            measure_statement("By Fu et al.'s residual similarity", &of(|l| &l.residual)),
        );
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
            gd_step: config.gd_step,
            gd_unstable: paths.gd_unstable,
            correspondence,
            least_squares: error_by_k(&paths.least_squares, &targets, points, norm),
            layers,
            statement,
        })
    }
}

#[cfg(test)]
mod tests;
