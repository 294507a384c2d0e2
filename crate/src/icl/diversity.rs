//! Task diversity (docs/SCIENCE.md §5; Raventós et al. 2023): where a model trained on a pool of
//! M tasks sits between the two Bayes estimators that bracket it — dMMSE, the posterior over the
//! pool (memorizing), and ridge with λ = σ², the posterior under the Gaussian prior (learning any
//! task) — measured against their own distance, and the findings of a sweep over M.
//!
//! Distances are mean squared differences of predictions (÷ the task's normalizer), averaged over
//! k: squared Euclidean distances in prediction space. So the model's place on the segment from
//! dMMSE to ridge is the projection `t = (a − b + s) / 2s` (a, b: the model's distances to dMMSE
//! and to ridge; s: theirs to each other), 0 at dMMSE and 1 at ridge, and its distance off that
//! segment is `a − t²s`. As M grows dMMSE and ridge converge (s falls), so "close to ridge" at
//! large M says little unless set against s.
//!
//! Rules (`CLEAR` = 2): a pool size's *side* is decided when every seed's t is on one side of ½
//! and |mean t − ½| > `CLEAR` × the seeds' half-range (one seed: no noise estimate, never
//! decided). The *crossover* lies between the largest M decided on dMMSE's side and the smallest
//! decided on ridge's side from which every larger M is too; it is a *switch* only when every
//! seed goes from t ≤ ¼ to t ≥ ¾ across that step, else a gradual crossover. Longer training
//! *moved* a pool size when every seed trained at both lengths moved the same way and the mean of
//! those per-seed changes exceeds `CLEAR` × their half-range (a seed fixes the pool and the
//! initialization, so the comparison is within a seed).
//! The sentence calls the yardstick short at the largest M when dMMSE and ridge are less than
//! `CLEAR` × the model's distance off the line between them apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Evidence, NoiseSource, Spread, half_range, mean, thousands};

pub use crossover::Crossover;
pub use position::{LEARNING, MEMORIZING, Position, position_of};

mod crossover;
mod position;

/// A run's numbers on one set of tasks, each averaged over k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Standing {
    /// The model's normalized error.
    pub error: f64,
    /// dMMSE's and ridge's errors on the same prompts (`null`: no dMMSE without a pool).
    pub dmmse_error: Option<f64>,
    pub ridge_error: f64,
    /// The model's distance to each: mean squared difference of predictions ÷ d.
    pub distance_dmmse: Option<f64>,
    pub distance_ridge: f64,
    /// Where the model sits between the two (absent without a pool).
    pub position: Option<Position>,
}

/// One (M, seed, steps) run of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SweepRun {
    /// M; `null` for a fresh task per prompt.
    pub task_pool: Option<u32>,
    pub seed: u32,
    pub steps: u32,
    /// The learning-rate schedule's decay length (the sweep's longer runs decay over their own
    /// length).
    pub decay_steps: u32,
    pub final_loss: f64,
    pub wall_seconds: f64,
    /// On the pool's own tasks (absent for M = ∞).
    pub pool: Option<Standing>,
    /// On fresh tasks.
    pub fresh: Standing,
    /// The checkpoint's file name, when the sweep wrote one.
    pub checkpoint: Option<String>,
}

/// Which estimator's side of the midpoint a pool size's model sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Dmmse,
    Ridge,
}

impl Side {
    pub const ALL: [Self; 2] = [Self::Dmmse, Self::Ridge];

    /// The estimator's name in a sentence ("dMMSE", "ridge").
    pub fn title(self) -> &'static str {
        match self {
            Self::Dmmse => "dMMSE",
            Self::Ridge => "ridge",
        }
    }
}

/// One pool size at one training length, over its seeds, on fresh tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PoolCell {
    pub task_pool: u32,
    pub steps: u32,
    pub seeds: u32,
    /// 0 = dMMSE, 1 = ridge, per seed summarized.
    pub fraction: Spread,
    /// dMMSE–ridge distance (the yardstick).
    pub span: Spread,
    pub off_line: Spread,
    pub to_dmmse: Spread,
    pub to_ridge: Spread,
    /// The side every seed is on, when decided.
    pub side: Option<Side>,
    /// Margin: |mean t − ½|; noise: the seeds' half-range of t.
    pub evidence: Evidence,
}

impl PoolCell {
    fn of(task_pool: u32, steps: u32, positions: &[Position]) -> Self {
        let get = |f: fn(&Position) -> f64| -> Vec<f64> { positions.iter().map(f).collect() };
        let t = get(|p| p.fraction);
        let m = mean(&t);
        let all_below = t.iter().all(|v| *v < 0.5);
        let all_above = t.iter().all(|v| *v > 0.5);
        let noise = if t.len() > 1 {
            half_range(&t)
        } else {
            f64::NAN
        };
        let mut evidence = Evidence::against_noise(
            "distance of the mean position from the midpoint (½)",
            (m - 0.5).abs(),
            noise,
            NoiseSource::SeedRange,
            t.len() as u32,
        );
        evidence.decided &= all_below || all_above;
        Self {
            task_pool,
            steps,
            seeds: t.len() as u32,
            side: evidence
                .decided
                .then_some(if all_below { Side::Dmmse } else { Side::Ridge }),
            fraction: Spread::of(&t),
            span: Spread::of(&get(|p| p.span)),
            off_line: Spread::of(&get(|p| p.off_line)),
            to_dmmse: Spread::of(&get(|p| p.to_dmmse)),
            to_ridge: Spread::of(&get(|p| p.to_ridge)),
            evidence,
        }
    }
}

/// Whether longer training moved a pool size's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    pub task_pool: u32,
    pub steps: u32,
    pub longer_steps: u32,
    pub before: Spread,
    pub after: Spread,
    /// Per seed trained at both lengths, the change of its t (longer minus shorter). A seed fixes
    /// the pool and the initialization, so each pair differs only in how long it trained. `None`
    /// when no seed was trained at both.
    pub change: Option<Spread>,
    /// Margin: |mean per-seed change|; noise: the per-seed changes' half-range. Decided only when
    /// every seed moved the same way (and at least two did).
    pub evidence: Evidence,
    pub statement: String,
}

/// Everything a diversity sweep finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiversityFindings {
    /// Per finite M and training length (sorted by steps, then M).
    pub cells: Vec<PoolCell>,
    /// One per training length.
    pub crossovers: Vec<Crossover>,
    /// Pool sizes trained at more than one length: the shortest against each longer.
    pub longer: Vec<Moved>,
}

fn list_positions(cells: &[&PoolCell]) -> String {
    cells
        .iter()
        .map(|c| format!("M = {}: {}", c.task_pool, spread_text(&c.fraction)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn spread_text(s: &Spread) -> String {
    if s.min == s.max {
        format!("{:.2}", s.mean)
    } else {
        format!("{:.2} ({:.2}–{:.2})", s.mean, s.min, s.max)
    }
}

impl Moved {
    /// `changes`: per seed trained at both lengths, its t at `after` minus at `before`.
    fn of(before: &PoolCell, after: &PoolCell, changes: &[f64]) -> Self {
        let change = (!changes.is_empty()).then(|| Spread::of(changes));
        let margin = change.map_or(f64::NAN, |c| c.mean.abs());
        let noise = if changes.len() > 1 {
            half_range(changes)
        } else {
            f64::NAN
        };
        let one_way = changes.iter().all(|&c| c > 0.0) || changes.iter().all(|&c| c < 0.0);
        let mut evidence = Evidence::against_noise(
            "change of each seed's position (0 = dMMSE, 1 = ridge) with longer training",
            margin,
            noise,
            NoiseSource::SeedRange,
            changes.len() as u32,
        );
        evidence.decided &= one_way;
        let lengths = format!(
            "{} → {} steps",
            thousands(before.steps),
            thousands(after.steps)
        );
        let positions = format!(
            "{} then {} of the way from dMMSE to ridge",
            spread_text(&before.fraction),
            spread_text(&after.fraction)
        );
        let by = |c: &Spread| {
            if c.min == c.max {
                format!("{:+.2}", c.mean)
            } else {
                format!("{:+.2} to {:+.2}", c.min, c.max)
            }
        };
        let statement = match change {
            Some(c) if evidence.decided => format!(
                "At M = {}, longer training ({lengths}) moved the model toward {} in every seed ({} seeds, each with its own pool; changes {}): {positions}.",
                before.task_pool,
                if c.mean > 0.0 { "ridge" } else { "dMMSE" },
                changes.len(),
                by(&c)
            ),
            Some(c) if changes.len() > 1 => format!(
                "At M = {}, longer training ({lengths}) did not move the model clearly: the seeds changed by {}, {}: {positions}.",
                before.task_pool,
                by(&c),
                if one_way {
                    "not past twice their spread"
                } else {
                    "not all the same way"
                }
            ),
            _ => format!(
                "At M = {}, longer training ({lengths}): fewer than two seeds were trained at both lengths, so the runs cannot say whether it moved the model: {positions}.",
                before.task_pool
            ),
        };
        Self {
            task_pool: before.task_pool,
            steps: before.steps,
            longer_steps: after.steps,
            before: before.fraction,
            after: after.fraction,
            change,
            evidence,
            statement,
        }
    }
}

impl DiversityFindings {
    /// The findings of `runs` (fresh-task positions of every finite M).
    pub fn of(runs: &[SweepRun]) -> Self {
        let mut positions: BTreeMap<(u32, u32), Vec<Position>> = BTreeMap::new();
        // t by (M, seed, steps), to pair a seed's runs of different lengths
        let mut by_seed: BTreeMap<(u32, u32, u32), f64> = BTreeMap::new();
        for r in runs {
            if let (Some(m), Some(p)) = (r.task_pool, r.fresh.position.clone()) {
                by_seed.insert((m, r.seed, r.steps), p.fraction);
                positions.entry((m, r.steps)).or_default().push(p);
            }
        }
        let mut cells: Vec<PoolCell> = positions
            .iter()
            .map(|(&(m, steps), p)| PoolCell::of(m, steps, p))
            .collect();
        cells.sort_by_key(|c| (c.steps, c.task_pool));
        let mut lengths: Vec<u32> = cells.iter().map(|c| c.steps).collect();
        lengths.dedup();
        let crossovers = lengths
            .iter()
            .map(|&steps| {
                let here: Vec<&PoolCell> = cells.iter().filter(|c| c.steps == steps).collect();
                Crossover::of(steps, &here, &positions)
            })
            .collect();
        let longer = match lengths.first() {
            Some(&base) => cells
                .iter()
                .filter(|c| c.steps > base)
                .filter_map(|after| {
                    cells
                        .iter()
                        .find(|c| c.steps == base && c.task_pool == after.task_pool)
                        .map(|before| {
                            let changes: Vec<f64> = by_seed
                                .iter()
                                .filter(|((m, _, steps), _)| {
                                    *m == after.task_pool && *steps == after.steps
                                })
                                .filter_map(|(&(m, seed, _), &t)| {
                                    by_seed.get(&(m, seed, base)).map(|t0| t - t0)
                                })
                                .collect();
                            Moved::of(before, after, &changes)
                        })
                })
                .collect(),
            None => vec![],
        };
        Self {
            cells,
            crossovers,
            longer,
        }
    }
}

/// A sweep as the site ships it (`www/public/diversity/sweep.json`, `iclab icl sweep --out`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiversitySweep {
    /// Every command that added runs, in order.
    pub commands: Vec<String>,
    /// The session config of the first command (each run's taskPool, seed and schedule differ).
    pub config: crate::SessionConfig,
    /// The evaluation both standings use.
    pub evaluation: super::evaluate::EvalConfig,
    pub runs: Vec<SweepRun>,
    pub findings: DiversityFindings,
}

impl DiversitySweep {
    pub fn new(
        commands: Vec<String>,
        config: crate::SessionConfig,
        evaluation: super::evaluate::EvalConfig,
        runs: Vec<SweepRun>,
    ) -> Self {
        Self {
            findings: DiversityFindings::of(&runs),
            commands,
            config,
            evaluation,
            runs,
        }
    }
}

#[cfg(test)]
mod tests;
