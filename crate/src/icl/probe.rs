//! Evaluation prompts, in distribution or under one of the out-of-distribution probes of Garg et
//! al. (SCIENCE.md §1): skewed input covariance, every example in one orthant (the reference's
//! `random_quadrants`; and a harder variant with the query in the opposite orthant), inputs
//! scaled by a factor, noisy outputs.

use rand::RngExt;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::prompt::{PromptBatch, noise_draw};
use super::tasks::gaussian;
use super::tasks::{covariance_sqrt, transform_rows};
use super::{FunctionClass, TaskPool};

/// Which distribution evaluation prompts come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    /// The training distribution.
    #[default]
    None,
    /// `x ~ N(0, Σ)`, one Σ per evaluation with eigenvalues `∝ 1/i²` (trace d) and a random
    /// rotation, as in the reference's "skewed" setting.
    Skewed,
    /// The reference's `random_quadrants` (dtsip/in-context-learning, `gen_random_quadrants`):
    /// every example of a prompt lies in one random orthant, the query comes from the full
    /// distribution (the unfolded draw), so it is usually outside that orthant.
    RandomQuadrants,
    /// Harder than the reference: every example in one random orthant, the query in the
    /// opposite one (the reference's unused `gen_opposite_quadrants`). `"orthant"`, this probe's
    /// name before the reference's was added, still reads as it.
    #[serde(alias = "orthant")]
    OppositeQuadrants,
    /// All inputs multiplied by `probeScale` (reference: 1/3, 1/2, 2, 3).
    Scaled,
    /// Outputs get extra noise `N(0, probeNoise²)`, examples and targets alike.
    Noisy,
}

impl Probe {
    /// The evaluation setting it reads, if any (`probeScale`, `probeNoise`).
    pub fn parameter(self) -> Option<crate::schema::Field> {
        use crate::icl::evaluate::fields;
        match self {
            Self::Scaled => Some(fields::PROBE_SCALE),
            Self::Noisy => Some(fields::PROBE_NOISE),
            Self::None | Self::Skewed | Self::RandomQuadrants | Self::OppositeQuadrants => None,
        }
    }

    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::None => "in distribution",
            Self::Skewed => "skewed covariance",
            Self::RandomQuadrants => "examples in one orthant (paper)",
            Self::OppositeQuadrants => "query in the opposite orthant (harder)",
            Self::Scaled => "inputs scaled",
            Self::Noisy => "noisy outputs",
        }
    }

    /// Older names a config may still use, each with the probe it reads as (serde's `alias`
    /// above; a test checks they agree), so a page reads old links the same way.
    pub const ALIASES: [(&'static str, Self); 1] = [("orthant", Self::OppositeQuadrants)];

    pub const ALL: [Self; 6] = [
        Self::None,
        Self::Skewed,
        Self::RandomQuadrants,
        Self::OppositeQuadrants,
        Self::Scaled,
        Self::Noisy,
    ];
}

/// Evaluation prompts. When `queries` is present, the prediction after `k` examples is made
/// for `queries[k]` instead of the prompt's own `x_{k+1}`.
#[derive(Debug, Clone)]
pub struct EvalSet {
    pub prompts: PromptBatch,
    pub queries: Option<Queries>,
}

/// One query per prompt and `k`: inputs `[batch, points, dims]`, targets `[batch, points]`.
#[derive(Debug, Clone)]
pub struct Queries {
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
}

/// How evaluation prompts are drawn: the probe and its settings, with the skewed probe's
/// covariance drawn once. [`Self::draw`] called chunk after chunk on one stream draws the same
/// prompts as one call for all of them.
#[derive(Debug, Clone)]
pub struct EvalDraw {
    probe: Probe,
    scale: f64,
    noise: f64,
    points: usize,
    dims: usize,
    skew: Option<nalgebra::DMatrix<f64>>,
}

impl EvalDraw {
    /// Draws what is fixed for a whole evaluation (the skewed probe's Σ^½) from `rng`.
    pub fn new(
        probe: Probe,
        scale: f64,
        noise: f64,
        rng: &mut StdRng,
        points: usize,
        dims: usize,
    ) -> Self {
        let skew = (probe == Probe::Skewed).then(|| {
            let eig: Vec<f64> = (0..dims).map(|i| 1.0 / ((i + 1) as f64).powi(2)).collect();
            covariance_sqrt(rng, &eig)
        });
        Self {
            probe,
            scale,
            noise,
            points,
            dims,
            skew,
        }
    }

    /// The next `batch` prompts from `class` (each prompt's function from `pool` when given).
    pub fn draw(
        &self,
        class: &dyn FunctionClass,
        pool: Option<&TaskPool>,
        rng: &mut StdRng,
        batch: usize,
    ) -> EvalSet {
        let (probe, points, dims) = (self.probe, self.points, self.dims);
        let scale = self.scale;
        let class_noise = class.output_noise();
        let extra_noise = if probe == Probe::Noisy {
            self.noise
        } else {
            0.0
        };
        let noisy = |rng: &mut StdRng, y: f32| {
            y + noise_draw(rng, class_noise) + noise_draw(rng, extra_noise)
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        let (mut qxs, mut qys) = (Vec::new(), Vec::new());
        for _ in 0..batch {
            let f = match pool {
                Some(pool) => pool.function(class, pool.draw(rng), dims),
                None => class.sample_function(rng, dims),
            };
            let mut prompt = match &self.skew {
                Some(root) => transform_rows(&gaussian(rng, points * dims), root),
                None => class.sample_inputs(rng, points, dims),
            };
            match probe {
                Probe::Scaled => prompt.iter_mut().for_each(|v| *v *= scale as f32),
                Probe::RandomQuadrants | Probe::OppositeQuadrants => {
                    let signs: Vec<f32> = (0..dims)
                        .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                        .collect();
                    // random quadrants: the query after k examples is the k-th draw before it
                    // was folded into the orthant (as the reference), independent of the k
                    // examples before it; opposite: a fresh draw folded into the other orthant
                    let mut query = if probe == Probe::RandomQuadrants {
                        prompt.clone()
                    } else {
                        class.sample_inputs(rng, points, dims)
                    };
                    let opposite = probe == Probe::OppositeQuadrants;
                    for (row, q) in prompt
                        .chunks_exact_mut(dims)
                        .zip(query.chunks_exact_mut(dims))
                    {
                        for i in 0..dims {
                            row[i] = row[i].abs() * signs[i];
                            if opposite {
                                q[i] = -q[i].abs() * signs[i];
                            }
                        }
                    }
                    for q in query.chunks_exact(dims) {
                        let y = f(q);
                        qys.push(noisy(rng, y));
                    }
                    qxs.extend(query);
                }
                Probe::None | Probe::Skewed | Probe::Noisy => {}
            }
            for x in prompt.chunks_exact(dims) {
                let y = f(x);
                ys.push(noisy(rng, y));
            }
            xs.extend(prompt);
        }
        EvalSet {
            prompts: PromptBatch {
                batch,
                points,
                dims,
                xs,
                ys,
            },
            queries: matches!(probe, Probe::RandomQuadrants | Probe::OppositeQuadrants)
                .then_some(Queries { xs: qxs, ys: qys }),
        }
    }
}

impl EvalSet {
    /// Draws `batch` prompts of `points` pairs from `class` (each prompt's function from `pool`
    /// when given) under `probe`.
    #[allow(clippy::too_many_arguments)]
    pub fn sample(
        class: &dyn FunctionClass,
        pool: Option<&TaskPool>,
        probe: Probe,
        scale: f64,
        noise: f64,
        rng: &mut StdRng,
        batch: usize,
        points: usize,
        dims: usize,
    ) -> Self {
        EvalDraw::new(probe, scale, noise, rng, points, dims).draw(class, pool, rng, batch)
    }

    /// The query input after `k` examples of prompt `b`, and its target.
    pub fn query(&self, b: usize, k: usize) -> (&[f32], f32) {
        let (p, d) = (self.prompts.points, self.prompts.dims);
        let at = b * p + k;
        match &self.queries {
            Some(q) => (&q.xs[at * d..(at + 1) * d], q.ys[at]),
            None => (&self.prompts.xs[at * d..(at + 1) * d], self.prompts.ys[at]),
        }
    }

    /// Every target, `[batch, points]`.
    pub fn targets(&self) -> Vec<f64> {
        let (b, p) = (self.prompts.batch, self.prompts.points);
        (0..b * p)
            .map(|at| f64::from(self.query(at / p, at % p).1))
            .collect()
    }

    /// The batch with prompt positions `k` replaced by the query for `k` (all prompts): the
    /// model's outputs at position `k` are then the query predictions, by causality.
    pub fn with_queries_at(&self, k: usize) -> PromptBatch {
        let mut batch = self.prompts.clone();
        let (p, d) = (batch.points, batch.dims);
        for b in 0..batch.batch {
            let (x, y) = self.query(b, k);
            let at = b * p + k;
            batch.xs[at * d..(at + 1) * d].copy_from_slice(x);
            batch.ys[at] = y;
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::tasks::LinearRegression;
    use rand::SeedableRng;

    /// `batch` linear prompts of `points` pairs in `dims` dimensions under `probe` at `scale`.
    fn draw(probe: Probe, scale: f64, seed: u64, [batch, points, dims]: [usize; 3]) -> EvalSet {
        let mut rng = StdRng::seed_from_u64(seed);
        EvalSet::sample(
            &LinearRegression {},
            None,
            probe,
            scale,
            0.0,
            &mut rng,
            batch,
            points,
            dims,
        )
    }

    #[test]
    fn opposite_quadrant_queries_sit_opposite_the_examples() {
        let set = draw(Probe::OppositeQuadrants, 1.0, 2, [3, 4, 3]);
        for b in 0..3 {
            let (xs, _) = set.prompts.prompt(b);
            for k in 0..4 {
                let (q, _) = set.query(b, k);
                for i in 0..3 {
                    assert!(xs[i] * q[i] <= 0.0, "coordinate {i} of prompt {b}");
                    assert!(xs[i] * xs[3 + i] >= 0.0);
                }
            }
        }
    }

    /// The reference's probe: examples in one orthant per prompt, queries from the full
    /// distribution, so about half of each query's coordinates leave the examples' orthant (the
    /// opposite probe has all of them out; iclab's probe before the reference's was added).
    #[test]
    fn random_quadrant_queries_come_from_the_full_distribution() {
        let (batch, points, dims) = (200, 6, 4);
        let set = draw(Probe::RandomQuadrants, 1.0, 3, [batch, points, dims]);
        let (mut outside, mut total) = (0usize, 0usize);
        for b in 0..batch {
            let (xs, _) = set.prompts.prompt(b);
            for k in 0..points {
                for i in 0..dims {
                    assert!(
                        xs[i] * xs[k * dims + i] >= 0.0,
                        "examples share one orthant"
                    );
                }
                let (q, y) = set.query(b, k);
                // the query's magnitude is that of the k-th draw: folded, it is example k
                for i in 0..dims {
                    assert_eq!(q[i].abs(), xs[k * dims + i].abs());
                    outside += usize::from(q[i] * xs[i] < 0.0);
                    total += 1;
                }
                assert!(y.is_finite());
            }
        }
        let share = outside as f64 / total as f64;
        assert!(
            (share - 0.5).abs() < 0.05,
            "{share} of query coordinates outside"
        );
    }

    #[test]
    fn every_alias_reads_as_its_probe() {
        for (alias, probe) in Probe::ALIASES {
            let read: Probe = serde_json::from_str(&format!("\"{alias}\"")).expect("alias");
            assert_eq!(read, probe, "{alias}");
        }
    }

    #[test]
    fn orthant_is_read_as_the_opposite_quadrants_probe() {
        let probe: Probe = serde_json::from_str("\"orthant\"").expect("alias");
        assert_eq!(probe, Probe::OppositeQuadrants);
        let probe: Probe = serde_json::from_str("\"random_quadrants\"").expect("name");
        assert_eq!(probe, Probe::RandomQuadrants);
    }

    #[test]
    fn scaled_inputs_are_scaled() {
        let sample = |probe, scale| draw(probe, scale, 5, [2, 3, 2]);
        let (base, scaled) = (sample(Probe::None, 1.0), sample(Probe::Scaled, 3.0));
        for (a, b) in base.prompts.xs.iter().zip(&scaled.prompts.xs) {
            assert!((3.0 * a - b).abs() < 1e-5);
        }
        for (a, b) in base.prompts.ys.iter().zip(&scaled.prompts.ys) {
            assert!((3.0 * a - b).abs() < 1e-4, "linear outputs scale too");
        }
    }
}
