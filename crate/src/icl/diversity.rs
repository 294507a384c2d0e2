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

use crate::finding::{CLEAR, Evidence, NoiseSource, Spread, half_range, mean, thousands};

/// Where one model sits between dMMSE and ridge on one set of prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// dMMSE's distance to ridge: the yardstick.
    pub span: f64,
    /// The model's distance to dMMSE and to ridge.
    pub to_dmmse: f64,
    pub to_ridge: f64,
    /// 0 = dMMSE, 1 = ridge: the projection onto the segment between them (may fall outside
    /// [0, 1] when the model is beyond one of them).
    pub fraction: f64,
    /// Squared distance off that segment, in the same units (0: on the line through them).
    pub off_line: f64,
    /// The numbers in words, for a page or the CLI to show as they are.
    pub description: String,
}

impl Position {
    /// From the three squared distances; `None` when dMMSE and ridge coincide (s = 0: no yardstick).
    pub fn of(to_dmmse: f64, to_ridge: f64, span: f64) -> Option<Self> {
        if !(span > 0.0 && to_dmmse.is_finite() && to_ridge.is_finite()) {
            return None;
        }
        let fraction = (to_dmmse - to_ridge + span) / (2.0 * span);
        let off_line = (to_dmmse - fraction * fraction * span).max(0.0);
        Some(Self {
            span,
            to_dmmse,
            to_ridge,
            fraction,
            off_line,
            // "0.31 of the way from dMMSE (0) to ridge (1), 0.054 off the line between them; …"
            description: format!(
                "{fraction:.2} of the way from dMMSE (0) to ridge (1), {off_line:.3} off the line between them; dMMSE and ridge are themselves {span:.3} apart on these prompts"
            ),
        })
    }
}

/// Mean of a per-k curve.
fn mean_over_k(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The position of an evaluation's model, when it was compared with both dMMSE and ridge:
/// distances averaged over k (Raventós et al.'s Eq. 4 averages the per-position distance).
pub fn position_of(
    distances: &BTreeMap<String, Vec<f64>>,
    dmmse_to_ridge: Option<&[f64]>,
) -> Option<Position> {
    let a = mean_over_k(distances.get("dmmse")?);
    let b = mean_over_k(distances.get("bayes_ridge")?);
    Position::of(a, b, mean_over_k(dmmse_to_ridge?))
}

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

/// Where the model crosses from dMMSE's side to ridge's, at one training length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Crossover {
    pub steps: u32,
    /// The largest M decided on dMMSE's side below `from`.
    pub below: Option<u32>,
    /// The smallest M decided on ridge's side from which every larger M is too.
    pub from: Option<u32>,
    /// Whether every seed goes from t ≤ ¼ at `below` to t ≥ ¾ at `from`, neighbours in the sweep (a
    /// switch), rather than a gradual crossover. `false` when either end is missing.
    pub switch: bool,
    /// Decided when both ends exist and are neighbours in the sweep (no undecided M between).
    pub decided: bool,
    pub statement: String,
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

impl Crossover {
    fn of(
        steps: u32,
        cells: &[&PoolCell],
        positions: &BTreeMap<(u32, u32), Vec<Position>>,
    ) -> Self {
        // from: the smallest M on ridge's side with every larger M too
        let mut from_index = None;
        for i in (0..cells.len()).rev() {
            if cells[i].side == Some(Side::Ridge) {
                from_index = Some(i);
            } else {
                break;
            }
        }
        let below_index = cells[..from_index.unwrap_or(cells.len())]
            .iter()
            .rposition(|c| c.side == Some(Side::Dmmse));
        let below = below_index.map(|i| cells[i].task_pool);
        let from = from_index.map(|i| cells[i].task_pool);
        let decided = matches!((below_index, from_index), (Some(b), Some(f)) if f == b + 1);
        // a switch is one step of the sweep's grid
        let switch = decided
            && match (below, from) {
                (Some(b), Some(f)) => {
                    let lo = &positions[&(b, steps)];
                    let hi = &positions[&(f, steps)];
                    lo.iter().all(|p| p.fraction <= 0.25) && hi.iter().all(|p| p.fraction >= 0.75)
                }
                _ => false,
            };
        let seeds = cells.iter().map(|c| c.seeds).max().unwrap_or(0);
        let at = format!(
            "after {} steps ({seeds} seed{})",
            thousands(steps),
            if seeds == 1 { "" } else { "s" }
        );
        let ends = |i: Option<usize>| i.map(|i| cells[i]);
        // how the position rises across the crossover, against the estimators' own distance
        let across = |b: &PoolCell, f: &PoolCell| {
            format!(
                "its position rises from {} at M = {} to {} at M = {} — {}. dMMSE and ridge are themselves {:.2} apart at M = {} and {:.2} at M = {}.",
                spread_text(&b.fraction),
                b.task_pool,
                spread_text(&f.fraction),
                f.task_pool,
                if switch {
                    "a switch"
                } else {
                    "a gradual crossover, not a switch"
                },
                b.span.mean,
                b.task_pool,
                f.span.mean,
                f.task_pool
            )
        };
        // at the largest M the yardstick may be shorter than the model's distance off it: say so
        let largest = cells
            .last()
            .filter(|c| c.span.mean < CLEAR * c.off_line.mean)
            .map_or(String::new(), |c| {
                format!(
                    " At M = {}, where the model sits at {}, dMMSE and ridge are only {:.3} apart, less than twice the model's {:.3} off the line between them: \"near ridge\" is measured against a short yardstick there.",
                    c.task_pool,
                    spread_text(&c.fraction),
                    c.span.mean,
                    c.off_line.mean
                )
            });
        let statement = match (ends(below_index), ends(from_index)) {
            (Some(b), Some(f)) if decided => format!(
                "On new tasks the model crosses from dMMSE's side to ridge's between M = {} and M = {} {at}: {}{largest}",
                b.task_pool,
                f.task_pool,
                across(b, f)
            ),
            (Some(b), Some(f)) => format!(
                "On new tasks the model is on dMMSE's side up to M = {} and on ridge's from M = {} on {at}; between them the seeds cannot say ({}); {}{largest}",
                b.task_pool,
                f.task_pool,
                list_positions(
                    &cells
                        .iter()
                        .copied()
                        .filter(|c| c.task_pool > b.task_pool && c.task_pool < f.task_pool)
                        .collect::<Vec<_>>()
                ),
                across(b, f)
            ),
            (None, Some(f)) => {
                let smaller: Vec<&PoolCell> = cells
                    .iter()
                    .copied()
                    .filter(|c| c.task_pool < f.task_pool)
                    .collect();
                format!(
                    "On new tasks the model is on ridge's side from M = {} on {at}; no smaller M trained this long is on dMMSE's side ({}).{largest}",
                    f.task_pool,
                    if smaller.is_empty() {
                        "none was".to_owned()
                    } else {
                        format!("{}: the seeds cannot say", list_positions(&smaller))
                    }
                )
            }
            (_, None) => format!(
                "On new tasks, {at}, no pool size sits clearly on ridge's side together with every larger one ({}).",
                list_positions(cells)
            ),
        };
        Self {
            steps,
            below,
            from,
            switch,
            decided,
            statement,
        }
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
mod tests {
    use super::*;

    /// A point at fraction t between dMMSE and ridge `span` apart, `off` off the line.
    fn at(t: f64, span: f64, off: f64) -> Position {
        Position::of(t * t * span + off, (1.0 - t) * (1.0 - t) * span + off, span).expect("span")
    }

    #[test]
    fn the_projection_recovers_a_constructed_position() {
        let p = at(0.3, 0.5, 0.02);
        assert!((p.fraction - 0.3).abs() < 1e-12, "{p:?}");
        assert!((p.off_line - 0.02).abs() < 1e-12);
        assert!(Position::of(0.1, 0.1, 0.0).is_none(), "no yardstick");
        // beyond ridge: t > 1
        assert!(at(1.2, 0.1, 0.0).fraction > 1.0);
    }

    fn run(m: u32, seed: u32, steps: u32, t: f64) -> SweepRun {
        let p = at(t, 0.4, 0.01);
        let standing = Standing {
            error: 0.5,
            dmmse_error: Some(0.4),
            ridge_error: 0.45,
            distance_dmmse: Some(p.to_dmmse),
            distance_ridge: p.to_ridge,
            position: Some(p),
        };
        SweepRun {
            task_pool: Some(m),
            seed,
            steps,
            decay_steps: steps,
            final_loss: 0.5,
            wall_seconds: 1.0,
            pool: None,
            fresh: standing,
            checkpoint: None,
        }
    }

    fn sweep(ts: &[(u32, [f64; 3])], steps: u32) -> Vec<SweepRun> {
        ts.iter()
            .flat_map(|(m, t)| (0..3).map(move |s| run(*m, s, steps, t[s as usize])))
            .collect()
    }

    #[test]
    fn a_clean_switch_between_neighbours_is_decided() {
        let runs = sweep(
            &[
                (1, [0.0, 0.02, 0.01]),
                (8, [0.1, 0.15, 0.12]),
                (16, [0.85, 0.9, 0.88]),
                (64, [0.95, 0.97, 0.96]),
            ],
            6000,
        );
        let f = DiversityFindings::of(&runs);
        let c = &f.crossovers[0];
        assert_eq!(
            (c.below, c.from, c.decided, c.switch),
            (Some(8), Some(16), true, true)
        );
        assert!(
            c.statement
                .contains("between M = 8 and M = 16 after 6,000 steps (3 seeds)")
        );
        assert!(c.statement.contains("a switch"), "{}", c.statement);
        // the yardstick (0.4) is long against the model's distance off the line (0.01)
        assert!(!c.statement.contains("short yardstick"), "{}", c.statement);
    }

    #[test]
    fn a_short_yardstick_at_the_largest_m_is_named() {
        let mut runs = sweep(&[(1, [0.0, 0.02, 0.01]), (16, [0.85, 0.9, 0.88])], 6000);
        for (seed, t) in [0.86, 0.9, 0.88].into_iter().enumerate() {
            let mut r = run(1024, seed as u32, 6000, t);
            let p = at(t, 0.03, 0.025);
            r.fresh.distance_dmmse = Some(p.to_dmmse);
            r.fresh.distance_ridge = p.to_ridge;
            r.fresh.position = Some(p);
            runs.push(r);
        }
        let c = &DiversityFindings::of(&runs).crossovers[0];
        assert!(
            c.statement.contains(
                "At M = 1024, where the model sits at 0.88 (0.86–0.90), dMMSE and ridge are only 0.030 apart, less than twice the model's 0.025 off the line"
            ),
            "{}",
            c.statement
        );
    }

    #[test]
    fn a_gradual_crossover_is_not_called_a_switch() {
        let runs = sweep(
            &[
                (4, [0.2, 0.25, 0.22]),
                (8, [0.38, 0.42, 0.4]),
                (16, [0.6, 0.64, 0.62]),
                (32, [0.8, 0.84, 0.82]),
            ],
            6000,
        );
        let c = &DiversityFindings::of(&runs).crossovers[0];
        assert_eq!(
            (c.below, c.from, c.decided, c.switch),
            (Some(8), Some(16), true, false)
        );
        assert!(
            c.statement.contains("a gradual crossover, not a switch"),
            "{}",
            c.statement
        );
    }

    #[test]
    fn seeds_straddling_the_midpoint_cannot_say() {
        let runs = sweep(
            &[
                (4, [0.1, 0.12, 0.11]),
                (8, [0.35, 0.6, 0.45]),
                (16, [0.8, 0.85, 0.9]),
            ],
            6000,
        );
        let f = DiversityFindings::of(&runs);
        let eight = f.cells.iter().find(|c| c.task_pool == 8).expect("M = 8");
        assert_eq!(eight.side, None);
        let c = &f.crossovers[0];
        assert!(!c.decided);
        assert!(
            c.statement
                .contains("between them the seeds cannot say (M = 8: 0.47"),
            "{}",
            c.statement
        );
        assert!(
            !c.switch && c.statement.contains("a gradual crossover"),
            "{}",
            c.statement
        );
        // one seed: no noise estimate, nothing decided
        let one: Vec<SweepRun> = runs.into_iter().filter(|r| r.seed == 0).collect();
        assert!(
            DiversityFindings::of(&one)
                .cells
                .iter()
                .all(|c| c.side.is_none())
        );
    }

    #[test]
    fn longer_training_moves_only_when_every_seed_moves_past_their_spread() {
        let mut runs = sweep(
            &[
                (16, [0.5, 0.6, 0.55]),
                (32, [0.7, 0.75, 0.72]),
                (64, [0.7, 0.9, 0.8]),
            ],
            6000,
        );
        // M = 16: every seed up by 0.3; M = 32: the seeds disagree; M = 64: every seed down by
        // 0.08–0.1, less than the 0.2 between seeds, but the same way and far past the 0.01
        // spread of the changes
        runs.extend(sweep(
            &[
                (16, [0.85, 0.9, 0.88]),
                (32, [0.71, 0.77, 0.7]),
                (64, [0.62, 0.8, 0.71]),
            ],
            24000,
        ));
        let f = DiversityFindings::of(&runs);
        assert_eq!(f.longer.len(), 3);
        let (m16, m32, m64) = (&f.longer[0], &f.longer[1], &f.longer[2]);
        assert_eq!((m16.task_pool, m16.longer_steps), (16, 24000));
        assert!(
            m16.evidence.decided
                && m16
                    .statement
                    .contains("moved the model toward ridge in every seed"),
            "{}",
            m16.statement
        );
        assert!(
            !m32.evidence.decided && m32.statement.contains("not all the same way"),
            "{}",
            m32.statement
        );
        assert!(
            m64.evidence.decided
                && m64
                    .statement
                    .contains("toward dMMSE in every seed (3 seeds, each with its own pool; changes -0.10 to -0.08)"),
            "{}",
            m64.statement
        );
        // one seed at the longer length: no noise estimate, nothing decided
        let one: Vec<SweepRun> = runs
            .iter()
            .filter(|r| r.steps == 6000 || r.seed == 0)
            .cloned()
            .collect();
        let single = DiversityFindings::of(&one);
        assert!(single.longer.iter().all(|m| !m.evidence.decided));
        assert!(
            single.longer[0].statement.contains("fewer than two seeds"),
            "{}",
            single.longer[0].statement
        );
        assert_eq!(f.crossovers.len(), 2);
        // at the longer length only 16 and 32 were trained: the sentence says what is there
        assert!(
            f.crossovers[1].statement.contains(
                "on ridge's side from M = 16 on after 24,000 steps (3 seeds); no smaller M trained this long is on dMMSE's side (none was)"
            ),
            "{}",
            f.crossovers[1].statement
        );
    }
}
