//! Reddy's in-context classification sequences (docs/SCIENCE.md §4; Reddy 2023, after Chan et
//! al. 2022): items are points in D dimensions around K class means with within-class noise ε,
//! each class carries one of L labels, and a sequence is N (item, label) pairs and a query item
//! whose label is to be predicted.
//!
//! - Class means `μ_k ~ N(0, I/D)`; an item of class k is `(μ_k + ε·η)/√(1 + ε²)`, `η ~ N(0, I/D)`
//!   drawn afresh for every occurrence (so ‖x‖ ≈ 1 whatever ε).
//! - Label vectors `ℓ_j ~ N(0, I/D)`; class k has label `k mod L` (Reddy's code).
//! - Class frequencies are Zipfian: `P(k) ∝ (k + 1)^−α` (α = 0: uniform).
//! - A *bursty* sequence (probability `burstyProb`) holds N/B classes with distinct labels, each
//!   B times (burstiness B), shuffled, and its query's class is one of them; otherwise the N
//!   context classes and the query's are drawn independently from the Zipf law.
//! - With probability `novelProb` a training sequence uses fresh class means (labels drawn at
//!   random), which only the context can explain.
//!
//! The two evaluations of the issue: **in-context** — novel class means, bursty, the query's class
//! in the context (only reading the context answers it); **in-weights** — training classes, the
//! query's class absent from the context (only memory answers it). Everything is seeded and
//! generated here, so the browser and the CLI see the same sequences.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::Result;

/// The task's settings (Reddy's defaults in brackets where this default differs: browser scale).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct BurstyConfig {
    /// Item dimension D. Default 32 (63).
    pub dims: u32,
    /// Classes K; a multiple of `labels`. Default 128 (512).
    pub classes: u32,
    /// Labels L; more than N/B so a bursty context's labels can differ. Default 16 (32).
    pub labels: u32,
    /// Context pairs N; a multiple of `burstiness`. Default 4 (8).
    pub pairs: u32,
    /// Burstiness B: how many times each class of a bursty context appears. Default 1.
    pub burstiness: u32,
    /// Within-class noise ε. Default 0.1.
    pub noise: f64,
    /// Zipf exponent α of the class frequencies. Default 0 (uniform).
    pub zipf: f64,
    /// Probability that a training sequence is bursty (its query's class in the context).
    /// Default 1.
    pub bursty_prob: f64,
    /// Probability that a training sequence uses fresh class means. Default 0.
    pub novel_prob: f64,
}

impl Default for BurstyConfig {
    fn default() -> Self {
        Self {
            dims: 32,
            classes: 128,
            labels: 16,
            pairs: 4,
            burstiness: 1,
            noise: 0.1,
            zipf: 0.0,
            bursty_prob: 1.0,
            novel_prob: 0.0,
        }
    }
}

/// The bounds of the task's numbers.
pub mod fields {
    use crate::schema::Field;

    pub const DIMS: Field = Field::int("dims", 2, 256);
    pub const CLASSES: Field = Field::int("classes", 2, 1 << 16);
    pub const LABELS: Field = Field::int("labels", 2, 256);
    pub const PAIRS: Field = Field::int("pairs", 1, 64);
    pub const BURSTINESS: Field = Field::int("burstiness", 1, 64);
    pub const NOISE: Field = Field::real("noise", 0.0, 10.0);
    pub const ZIPF: Field = Field::real("zipf", 0.0, 4.0);
    pub const BURSTY_PROB: Field = Field::real("burstyProb", 0.0, 1.0);
    pub const NOVEL_PROB: Field = Field::real("novelProb", 0.0, 1.0);
    pub const ALL: &[Field] = &[
        DIMS,
        CLASSES,
        LABELS,
        PAIRS,
        BURSTINESS,
        NOISE,
        ZIPF,
        BURSTY_PROB,
        NOVEL_PROB,
    ];
}

impl BurstyConfig {
    pub fn validate(&self) -> Result<()> {
        use fields::*;
        DIMS.check_u32(self.dims)?;
        CLASSES.check_u32(self.classes)?;
        LABELS.check_u32(self.labels)?;
        PAIRS.check_u32(self.pairs)?;
        BURSTINESS.check_u32(self.burstiness)?;
        NOISE.check(self.noise)?;
        ZIPF.check(self.zipf)?;
        BURSTY_PROB.check(self.bursty_prob)?;
        NOVEL_PROB.check(self.novel_prob)?;
        let invalid = |field: &str, why: String| Err(crate::Error::invalid(field, why));
        if !self.pairs.is_multiple_of(self.burstiness) {
            return invalid(
                "burstiness",
                format!(
                    "must divide the context pairs ({}); {} does not",
                    self.pairs, self.burstiness
                ),
            );
        }
        if !self.classes.is_multiple_of(self.labels) {
            return invalid(
                "classes",
                format!(
                    "must be a multiple of the labels ({}) so every label has as many classes; {} is not",
                    self.labels, self.classes
                ),
            );
        }
        let groups = self.pairs / self.burstiness;
        if self.labels <= groups {
            return invalid(
                "labels",
                format!(
                    "must exceed the classes of a bursty context (pairs / burstiness = {groups}) so their labels differ, and with L = N no seed learns (Reddy); got {}",
                    self.labels
                ),
            );
        }
        Ok(())
    }
}

/// The fixed part of a task: class means, label vectors, each class's label and the Zipf law.
#[derive(Debug, Clone)]
pub struct World {
    pub config: BurstyConfig,
    /// `[classes, dims]`.
    pub means: Vec<f32>,
    /// `[labels, dims]`.
    pub label_vectors: Vec<f32>,
    /// Cumulative Zipf probabilities over the classes (last entry 1).
    cumulative: Vec<f64>,
}

/// Draws `n` numbers `N(0, 1/d)`.
fn scaled_normal(rng: &mut StdRng, n: usize, d: usize) -> Vec<f32> {
    let s = 1.0 / (d as f32).sqrt();
    (0..n)
        .map(|_| rng.sample::<f32, _>(StandardNormal) * s)
        .collect()
}

/// Which evaluation (or training) a sequence is drawn for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// The training mixture (bursty with `burstyProb`, novel means with `novelProb`).
    Train,
    /// Novel class means, bursty, the query's class in the context.
    InContext,
    /// Training classes, the query's class absent from the context.
    InWeights,
}

/// Sequences `[batch]` of N (item, label) pairs and a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequences {
    pub batch: usize,
    pub pairs: usize,
    pub dims: usize,
    /// `[batch, pairs + 1, dims]`: the context items, then the query.
    pub items: Vec<f32>,
    /// `[batch, pairs + 1]`: the context labels, then the query's (the target).
    pub labels: Vec<u32>,
    /// `[batch, pairs + 1]`: the class of each item (novel classes numbered from `classes`).
    pub classes: Vec<u32>,
}

impl World {
    /// The world of `config` (validated) for `seed`.
    pub fn new(config: &BurstyConfig, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed ^ 0xB0_2575_0000_0000);
        let (k, d, l) = (
            config.classes as usize,
            config.dims as usize,
            config.labels as usize,
        );
        let means = scaled_normal(&mut rng, k * d, d);
        let label_vectors = scaled_normal(&mut rng, l * d, d);
        let weights: Vec<f64> = (0..k)
            .map(|i| ((i + 1) as f64).powf(-config.zipf))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        if let Some(last) = cumulative.last_mut() {
            *last = 1.0;
        }
        Self {
            config: config.clone(),
            means,
            label_vectors,
            cumulative,
        }
    }

    /// The label of training class `k`.
    pub fn label_of(&self, k: usize) -> u32 {
        (k % self.config.labels as usize) as u32
    }

    /// A class drawn from the Zipf law.
    fn zipf_class(&self, rng: &mut StdRng) -> usize {
        let u: f64 = rng.random();
        self.cumulative
            .partition_point(|&c| c < u)
            .min(self.cumulative.len() - 1)
    }

    /// An item around `mean` with a fresh within-class draw.
    fn item(&self, rng: &mut StdRng, mean: &[f32], out: &mut Vec<f32>) {
        let d = mean.len();
        let eps = self.config.noise as f32;
        let norm = 1.0 / (1.0 + eps * eps).sqrt();
        let noise = scaled_normal(rng, d, d);
        out.extend(mean.iter().zip(&noise).map(|(m, n)| (m + eps * n) * norm));
    }

    /// `batch` sequences of `split`.
    pub fn sample(&self, split: Split, rng: &mut StdRng, batch: usize) -> Sequences {
        let c = &self.config;
        let (n, d) = (c.pairs as usize, c.dims as usize);
        let mut out = Sequences {
            batch,
            pairs: n,
            dims: d,
            items: Vec::with_capacity(batch * (n + 1) * d),
            labels: Vec::with_capacity(batch * (n + 1)),
            classes: Vec::with_capacity(batch * (n + 1)),
        };
        for _ in 0..batch {
            let (novel, bursty) = match split {
                Split::Train => (
                    rng.random::<f64>() < c.novel_prob,
                    rng.random::<f64>() < c.bursty_prob,
                ),
                Split::InContext => (true, true),
                Split::InWeights => (false, false),
            };
            self.one(rng, novel, bursty, split == Split::InWeights, &mut out);
        }
        out
    }

    /// One sequence: `novel` class means or the training ones, `bursty` or independent draws,
    /// with the query's class kept out of the context when `exclude_query`.
    fn one(
        &self,
        rng: &mut StdRng,
        novel: bool,
        bursty: bool,
        exclude_query: bool,
        out: &mut Sequences,
    ) {
        let c = &self.config;
        let (n, d, l) = (c.pairs as usize, c.dims as usize, c.labels as usize);
        let b = c.burstiness as usize;
        // (class id, label, mean) of each context slot and of the query
        let mut slots: Vec<(u32, u32, Vec<f32>)> = Vec::with_capacity(n + 1);
        if bursty {
            let groups = n / b;
            let mut chosen: Vec<(u32, u32, Vec<f32>)> = Vec::with_capacity(groups);
            if novel {
                // fresh means, distinct random labels
                let mut labels: Vec<u32> = (0..l as u32).collect();
                labels.shuffle(rng);
                for (g, &label) in labels.iter().take(groups).enumerate() {
                    chosen.push((c.classes + g as u32, label, scaled_normal(rng, d, d)));
                }
            } else {
                // distinct training classes with distinct labels, by the Zipf law
                while chosen.len() < groups {
                    let k = self.zipf_class(rng);
                    let label = self.label_of(k);
                    if chosen.iter().any(|(_, lb, _)| *lb == label) {
                        continue;
                    }
                    chosen.push((k as u32, label, self.means[k * d..(k + 1) * d].to_vec()));
                }
            }
            for group in &chosen {
                for _ in 0..b {
                    slots.push(group.clone());
                }
            }
            slots.shuffle(rng);
            let q = rng.random_range(0..groups);
            slots.push(chosen[q].clone());
        } else {
            let query = if novel {
                (
                    c.classes,
                    rng.random_range(0..l as u32),
                    scaled_normal(rng, d, d),
                )
            } else {
                let k = self.zipf_class(rng);
                (
                    k as u32,
                    self.label_of(k),
                    self.means[k * d..(k + 1) * d].to_vec(),
                )
            };
            while slots.len() < n {
                let k = self.zipf_class(rng);
                if exclude_query && k as u32 == query.0 {
                    continue;
                }
                slots.push((
                    k as u32,
                    self.label_of(k),
                    self.means[k * d..(k + 1) * d].to_vec(),
                ));
            }
            slots.push(query);
        }
        for (class, label, mean) in &slots {
            self.item(rng, mean, &mut out.items);
            out.labels.push(*label);
            out.classes.push(*class);
        }
    }
}

#[cfg(test)]
mod tests;
