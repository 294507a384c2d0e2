//! Continual-learning metrics (docs/SCIENCE.md §3), as pure functions of recorded accuracies.
//!
//! Tasks are numbered from 0 here; the formulas in SCIENCE.md number them from 1.
//!
//! **At task boundaries**, from the accuracy matrix `R[i][j]` = accuracy on task j after training
//! on task i (T × T) and `b_j` = accuracy on task j at random initialization:
//! - average accuracy `ACC = (1/T) Σ_j R[T−1][j]`;
//! - forgetting of task j < T − 1, two definitions, always labelled:
//!   [`Forgetting::Max`] (Chaudhry et al.) `max_{l<T−1} R[l][j] − R[T−1][j]`, and
//!   [`Forgetting::SinceLearned`] (Avalanche) `R[j][j] − R[T−1][j]`;
//! - backward transfer `BWT = (1/(T−1)) Σ_{j<T−1} (R[T−1][j] − R[j][j])`;
//! - forward transfer `FWT = (1/(T−1)) Σ_{j≥1} (R[j−1][j] − b_j)`.
//!
//! **Continual evaluation** (De Lange et al. 2023), from every task's accuracy at evaluation
//! points `t` (every iteration or every few) and the last evaluation point of each finished task:
//! - `min-ACC` after k tasks: the mean over finished tasks i of `min_{t > t_i} A(E_i, f_t)`;
//! - `WC-ACC_t = (1/k) A(E_k, f_t) + (1 − 1/k) min-ACC` (k counted from 1, the current task last);
//! - windowed forgetting `WF_w`: for each task, the largest drop `A_a − A_b` with `a < b` inside
//!   any window of `w` consecutive evaluations, counted from the evaluation where the task's own
//!   training first starts (a future task falling from its random-init accuracy is no forgetting,
//!   as ContinualEvaluation skips unseen tasks), averaged over tasks that have such a window;
//! - the dip of a task after its training ended ([`stability_gap`]): the drop within the next
//!   segment and how much of it came back by that segment's end, classified as a
//!   [`DipKind::StabilityGap`] (at least half recovered) or [`DipKind::Forgetting`].

use serde::Serialize;

use crate::finding::{Evidence, NoiseSource, binomial_se};

use crate::{Error, Result};

/// Which forgetting definition a number uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Forgetting {
    /// Chaudhry et al.: best accuracy ever reached on the task minus the final one.
    Max,
    /// Avalanche: accuracy right after learning the task minus the final one.
    SinceLearned,
}

fn check_square(r: &[Vec<f64>]) -> Result<usize> {
    let first: Vec<usize> = (0..r.len()).collect();
    check_stream(r, &first)
}

/// The boundary metrics of a stream whose tasks may come back: `r[s][j]` is the accuracy on task j
/// after training segment s (rows: segments, columns: distinct tasks) and `first[j]` the segment
/// at which task j was first trained. For a stream that visits each task once, in order, `r` is
/// square and `first[j] = j`, and these are exactly the formulas above; otherwise "the task's own
/// row" `R[j][j]` becomes `R[first_j][j]`, and "finished" tasks are those first trained before
/// the last segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BoundaryMetrics {
    pub average_accuracy: f64,
    /// Per task (finished ones), [`Forgetting::Max`].
    pub forgetting_max: Vec<f64>,
    /// Per task (finished ones), [`Forgetting::SinceLearned`].
    pub forgetting_since_learned: Vec<f64>,
    pub backward_transfer: f64,
    pub forward_transfer: f64,
}

fn check_stream(r: &[Vec<f64>], first: &[usize]) -> Result<usize> {
    let rows = r.len();
    if rows == 0 {
        return Err(Error::invalid("accuracyMatrix", "has no rows"));
    }
    let t = first.len();
    for (i, row) in r.iter().enumerate() {
        if row.len() != t {
            return Err(Error::invalid(
                format!("accuracyMatrix[{i}]"),
                format!(
                    "has {} entries, the matrix needs {t} (one per task)",
                    row.len()
                ),
            ));
        }
        if let Some(j) = row.iter().position(|a| !a.is_finite()) {
            return Err(Error::invalid(
                format!("accuracyMatrix[{i}][{j}]"),
                "must be a finite number",
            ));
        }
    }
    if let Some(j) = first.iter().position(|&f| f >= rows) {
        return Err(Error::invalid(
            format!("first[{j}]"),
            format!("segment {} is outside the {rows} rows", first[j]),
        ));
    }
    Ok(rows)
}

/// Every boundary metric of a stream (see [`BoundaryMetrics`]).
pub fn boundary_metrics(
    r: &[Vec<f64>],
    first: &[usize],
    random_init: &[f64],
) -> Result<BoundaryMetrics> {
    let rows = check_stream(r, first)?;
    if random_init.len() != first.len() {
        return Err(Error::invalid(
            "randomInit",
            format!(
                "has {} entries for {} tasks",
                random_init.len(),
                first.len()
            ),
        ));
    }
    let last = rows - 1;
    let finished: Vec<usize> = (0..first.len()).filter(|&j| first[j] < last).collect();
    let best_before_last = |j: usize| (0..last).map(|l| r[l][j]).fold(f64::NEG_INFINITY, f64::max);
    let forgetting_max: Vec<f64> = finished
        .iter()
        .map(|&j| best_before_last(j) - r[last][j])
        .collect();
    let forgetting_since_learned: Vec<f64> = finished
        .iter()
        .map(|&j| r[first[j]][j] - r[last][j])
        .collect();
    let bwt: Vec<f64> = finished
        .iter()
        .map(|&j| r[last][j] - r[first[j]][j])
        .collect();
    let fwt: Vec<f64> = (0..first.len())
        .filter(|&j| first[j] >= 1)
        .map(|j| r[first[j] - 1][j] - random_init[j])
        .collect();
    Ok(BoundaryMetrics {
        average_accuracy: mean_or_zero(&r[last]),
        forgetting_max,
        forgetting_since_learned,
        backward_transfer: mean_or_zero(&bwt),
        forward_transfer: mean_or_zero(&fwt),
    })
}

fn square(r: &[Vec<f64>]) -> Result<Vec<usize>> {
    check_square(r)?;
    Ok((0..r.len()).collect())
}

/// `ACC`: mean accuracy over all tasks after the last one.
pub fn average_accuracy(r: &[Vec<f64>]) -> Result<f64> {
    let t = check_square(r)?;
    Ok(r[t - 1].iter().sum::<f64>() / t as f64)
}

/// Forgetting of every task but the last, under `kind`.
pub fn forgetting_per_task(r: &[Vec<f64>], kind: Forgetting) -> Result<Vec<f64>> {
    let first = square(r)?;
    let m = boundary_metrics(r, &first, &vec![0.0; first.len()])?;
    Ok(match kind {
        Forgetting::Max => m.forgetting_max,
        Forgetting::SinceLearned => m.forgetting_since_learned,
    })
}

/// Mean forgetting over every task but the last; 0 for a single task.
pub fn forgetting(r: &[Vec<f64>], kind: Forgetting) -> Result<f64> {
    let per = forgetting_per_task(r, kind)?;
    Ok(mean_or_zero(&per))
}

/// `BWT`: how training on later tasks changed earlier ones (negative = forgetting); 0 for one task.
pub fn backward_transfer(r: &[Vec<f64>]) -> Result<f64> {
    let first = square(r)?;
    Ok(boundary_metrics(r, &first, &vec![0.0; first.len()])?.backward_transfer)
}

/// `FWT`: accuracy on each task before training on it, minus its accuracy at random init.
pub fn forward_transfer(r: &[Vec<f64>], random_init: &[f64]) -> Result<f64> {
    let first = square(r)?;
    Ok(boundary_metrics(r, &first, random_init)?.forward_transfer)
}

fn mean_or_zero(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Accuracy of every task at every evaluation point, and where each task ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ContinualCurves {
    /// `acc[i][t]`: accuracy on task i's test subset at evaluation point t.
    pub acc: Vec<Vec<f64>>,
    /// `ends[i]`: the last evaluation point while training on task i (finished tasks only).
    pub ends: Vec<usize>,
}

impl ContinualCurves {
    fn check(&self) -> Result<usize> {
        let points = self.acc.first().map_or(0, Vec::len);
        for (i, row) in self.acc.iter().enumerate() {
            if row.len() != points {
                return Err(Error::invalid(
                    format!("curves[{i}]"),
                    format!("has {} points, task 0 has {points}", row.len()),
                ));
            }
        }
        if self.ends.len() > self.acc.len() {
            return Err(Error::invalid("ends", "more finished tasks than tasks"));
        }
        if self.ends.windows(2).any(|w| w[0] >= w[1]) || self.ends.iter().any(|&e| e >= points) {
            return Err(Error::invalid(
                "ends",
                format!("must increase and lie below {points}, got {:?}", self.ends),
            ));
        }
        Ok(points)
    }

    /// `min-ACC` up to evaluation point `now` (inclusive): mean over finished tasks of their
    /// lowest accuracy after they ended; `None` before the first task has ended and been
    /// evaluated since.
    pub fn min_acc(&self, now: usize) -> Result<Option<f64>> {
        let points = self.check()?;
        let now = now.min(points.saturating_sub(1));
        let mins: Vec<f64> = self
            .ends
            .iter()
            .enumerate()
            .filter(|&(_, &end)| end < now)
            .map(|(i, &end)| {
                self.acc[i][end + 1..=now]
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        Ok((!mins.is_empty()).then(|| mean_or_zero(&mins)))
    }

    /// `WC-ACC` at evaluation point `now` while training task `current` (0-based): a weighted
    /// mix of the current task's accuracy and the worst-case accuracy of the finished ones.
    pub fn wc_acc(&self, now: usize, current: usize) -> Result<f64> {
        let points = self.check()?;
        if current >= self.acc.len() || now >= points {
            return Err(Error::invalid(
                "current",
                format!("task {current} at point {now} is outside the curves"),
            ));
        }
        let k = (current + 1) as f64;
        let present = self.acc[current][now];
        Ok(match self.min_acc(now)? {
            Some(min) => present / k + (1.0 - 1.0 / k) * min,
            None => present,
        })
    }

    /// `WF_w`: the largest drop within any `window` consecutive evaluations, per task, counted
    /// from `starts[i]`, the evaluation point where task i's first segment starts (`None` for a
    /// task not started yet or with fewer than 2 points since), and the mean over tasks that
    /// have one.
    pub fn windowed_forgetting(
        &self,
        window: usize,
        starts: &[Option<usize>],
    ) -> Result<(Vec<Option<f64>>, f64)> {
        let points = self.check()?;
        if window < 2 {
            return Err(Error::invalid("window", "needs at least 2 evaluations"));
        }
        if starts.len() != self.acc.len() {
            return Err(Error::invalid(
                "starts",
                format!("has {} entries for {} tasks", starts.len(), self.acc.len()),
            ));
        }
        if let Some(i) = starts.iter().position(|s| s.is_some_and(|s| s >= points)) {
            return Err(Error::invalid(
                format!("starts[{i}]"),
                format!("must lie below {points}"),
            ));
        }
        let per: Vec<Option<f64>> = self
            .acc
            .iter()
            .zip(starts)
            .map(|(curve, start)| largest_drop(&curve[(*start)?..], window))
            .collect();
        let present: Vec<f64> = per.iter().flatten().copied().collect();
        Ok((per, mean_or_zero(&present)))
    }
}

/// `max_{a < b, b − a < window} (curve[a] − curve[b])`, clamped at 0 (a rise is no forgetting).
fn largest_drop(curve: &[f64], window: usize) -> Option<f64> {
    if curve.len() < 2 {
        return None;
    }
    let mut best = 0.0f64;
    for b in 1..curve.len() {
        let start = b.saturating_sub(window - 1);
        let peak = curve[start..b]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        best = best.max(peak - curve[b]);
    }
    Some(best)
}

/// What a task's dip after its training ended turned out to be (docs/SCIENCE.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DipKind {
    /// The stability gap (De Lange et al. 2023): a drop right after the switch of which at
    /// least half came back by the end of the next segment.
    StabilityGap,
    /// A drop that did not come back (by half) within the next segment: plain forgetting, as
    /// naive fine-tuning shows on class-incremental streams.
    Forgetting,
}

/// The dip of one task after its training ended at `end`: how far its accuracy fell within the
/// next segment, and how much of that came back by the segment's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StabilityGap {
    /// Accuracy at the end of the task's training.
    pub at_end: f64,
    /// Lowest accuracy within the next segment.
    pub lowest: f64,
    /// Evaluation point of that minimum.
    pub lowest_at: usize,
    /// Accuracy at the end of the next segment (so far, while it runs).
    pub at_next_end: f64,
    /// `at_end − lowest`.
    pub drop: f64,
    /// `at_next_end − lowest`.
    pub recovery: f64,
    /// [`DipKind::StabilityGap`] when `recovery ≥ drop / 2`, else [`DipKind::Forgetting`].
    pub kind: DipKind,
    /// Whether the next segment has ended, so `kind` is final (while it runs, a dip not yet
    /// recovered reads as forgetting).
    pub settled: bool,
    /// Whether the dip is a dip at all: margin `drop`, noise the sampling error of the two
    /// accuracies on the task's test examples; decided when `drop` exceeds both [`MIN_DIP`] and
    /// `CLEAR` × that noise. Pages draw and count only decided dips.
    pub evidence: crate::finding::Evidence,
}

/// The smallest drop counted as a dip whatever the test set's size: 0.02 of accuracy, below which
/// a change is not worth a mark on the chart even when the sampling error is smaller still.
pub const MIN_DIP: f64 = 0.02;

/// Measures the dip on `curve` after `end`, over the `window` evaluation points that follow it
/// (the next segment's, or as many as exist so far); `settled` says the window is complete.
/// `samples` is the number of test examples each accuracy is measured on (the dip's noise).
pub fn stability_gap(
    curve: &[f64],
    end: usize,
    window: usize,
    settled: bool,
    samples: u32,
) -> Result<StabilityGap> {
    if end + 1 >= curve.len() {
        return Err(Error::invalid(
            "end",
            format!(
                "point {end} leaves no evaluation after it in {} points",
                curve.len()
            ),
        ));
    }
    if window == 0 {
        return Err(Error::invalid("window", "needs at least 1 evaluation"));
    }
    let stop = (end + window).min(curve.len() - 1);
    let (lowest_at, lowest) =
        (end + 1..=stop)
            .map(|t| (t, curve[t]))
            .fold((end + 1, f64::INFINITY), |best, (t, a)| {
                if a < best.1 { (t, a) } else { best }
            });
    let (at_end, at_next_end) = (curve[end], curve[stop]);
    let (drop, recovery) = (at_end - lowest, at_next_end - lowest);
    let noise = binomial_se(at_end, samples).hypot(binomial_se(lowest, samples));
    let mut evidence = Evidence::against_noise(
        "accuracy at the task's end − its lowest in the next segment",
        drop,
        noise,
        NoiseSource::Binomial,
        samples,
    );
    evidence.decided &= drop > MIN_DIP;
    Ok(StabilityGap {
        at_end,
        lowest,
        lowest_at,
        at_next_end,
        drop,
        recovery,
        kind: if recovery >= 0.5 * drop {
            DipKind::StabilityGap
        } else {
            DipKind::Forgetting
        },
        settled: settled && end + window < curve.len(),
        evidence,
    })
}

#[cfg(test)]
mod tests;
