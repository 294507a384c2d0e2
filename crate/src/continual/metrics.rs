//! Continual-learning metrics (shared/SCIENCE.md §3), as pure functions of recorded accuracies.
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
//!   any window of `w` consecutive evaluations, averaged over tasks that have such a window.

use serde::Serialize;

use crate::{Error, Result};

/// Which forgetting definition a number uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

    /// `WF_w`: the largest drop within any `window` consecutive evaluations, per task (`None`
    /// for a curve shorter than 2 points), and the mean over tasks that have one.
    pub fn windowed_forgetting(&self, window: usize) -> Result<(Vec<Option<f64>>, f64)> {
        self.check()?;
        if window < 2 {
            return Err(Error::invalid("window", "needs at least 2 evaluations"));
        }
        let per: Vec<Option<f64>> = self
            .acc
            .iter()
            .map(|curve| largest_drop(curve, window))
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

/// The stability gap of one task after its training ended at `end`: how far its accuracy fell
/// within `window` evaluations after the next task started, and how much of that came back by
/// the last point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StabilityGap {
    /// Accuracy at the end of the task's training.
    pub at_end: f64,
    /// Lowest accuracy within the window after the switch.
    pub lowest: f64,
    /// Evaluation point of that minimum.
    pub lowest_at: usize,
    /// Accuracy at the last evaluation point.
    pub last: f64,
    /// `at_end − lowest`.
    pub drop: f64,
    /// `last − lowest`.
    pub recovery: f64,
}

/// Measures the stability gap on `curve` after `end` (needs at least one point after it).
pub fn stability_gap(curve: &[f64], end: usize, window: usize) -> Result<StabilityGap> {
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
    let (at_end, last) = (curve[end], curve[curve.len() - 1]);
    Ok(StabilityGap {
        at_end,
        lowest,
        lowest_at,
        last,
        drop: at_end - lowest,
        recovery: last - lowest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approx(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    /// Three tasks, worked by hand:
    /// ```text
    ///            task0  task1  task2
    /// after 0     0.9    0.3    0.2
    /// after 1     0.6    0.8    0.4
    /// after 2     0.5    0.7    0.9
    /// ```
    fn r() -> Vec<Vec<f64>> {
        vec![
            vec![0.9, 0.3, 0.2],
            vec![0.6, 0.8, 0.4],
            vec![0.5, 0.7, 0.9],
        ]
    }

    #[test]
    fn boundary_metrics_by_hand() {
        // ACC = (0.5 + 0.7 + 0.9) / 3 = 0.7
        approx(average_accuracy(&r()).expect("valid"), 0.7);
        // Chaudhry: task0 max(0.9, 0.6) − 0.5 = 0.4; task1 max(0.3, 0.8) − 0.7 = 0.1
        let max = forgetting_per_task(&r(), Forgetting::Max).expect("valid");
        approx(max[0], 0.4);
        approx(max[1], 0.1);
        approx(forgetting(&r(), Forgetting::Max).expect("valid"), 0.25);
        // Avalanche: task0 R00 − R20 = 0.4; task1 R11 − R21 = 0.1 (same here) ...
        approx(
            forgetting(&r(), Forgetting::SinceLearned).expect("valid"),
            0.25,
        );
        // ... and they differ when a task peaks after it was learned: task0 0.6 → 0.9 → 0.7.
        // Max: task0 0.9 − 0.7 = 0.2, task1 0.8 − 0.8 = 0 → 0.1;
        // since learned: task0 0.6 − 0.7 = −0.1, task1 0 → −0.05.
        let late = vec![
            vec![0.6, 0.2, 0.1],
            vec![0.9, 0.8, 0.3],
            vec![0.7, 0.8, 0.9],
        ];
        approx(forgetting(&late, Forgetting::Max).expect("valid"), 0.1);
        approx(
            forgetting(&late, Forgetting::SinceLearned).expect("valid"),
            -0.05,
        );
        // BWT = ((0.5 − 0.9) + (0.7 − 0.8)) / 2 = −0.25
        approx(backward_transfer(&r()).expect("valid"), -0.25);
        // FWT with b = (0.1, 0.25, 0.3): ((0.3 − 0.25) + (0.4 − 0.3)) / 2 = 0.075
        approx(
            forward_transfer(&r(), &[0.1, 0.25, 0.3]).expect("valid"),
            0.075,
        );
    }

    /// Tasks that come back: 4 segments visiting tasks 0, 1, 0, 1 (first seen at 0 and 1).
    #[test]
    fn reoccurring_stream_by_hand() {
        let r = vec![
            vec![0.9, 0.1],
            vec![0.4, 0.8],
            vec![0.95, 0.3],
            vec![0.6, 0.85],
        ];
        let m = boundary_metrics(&r, &[0, 1], &[0.5, 0.2]).expect("valid");
        // ACC = (0.6 + 0.85) / 2
        approx(m.average_accuracy, 0.725);
        // Max: task0 0.95 − 0.6, task1 0.8 − 0.85 (a rise shows as negative forgetting)
        approx(m.forgetting_max[0], 0.35);
        approx(m.forgetting_max[1], -0.05);
        // since learned (first visit): task0 0.9 − 0.6, task1 0.8 − 0.85
        approx(m.forgetting_since_learned[0], 0.3);
        approx(m.forgetting_since_learned[1], -0.05);
        // BWT = ((0.6 − 0.9) + (0.85 − 0.8)) / 2; FWT: task1 before its first visit 0.1 − 0.2
        approx(m.backward_transfer, -0.125);
        approx(m.forward_transfer, -0.1);
        let err = boundary_metrics(&r, &[0, 4], &[0.5, 0.2]).expect_err("segment 4");
        assert_eq!(err.field(), Some("first[1]"));
    }

    #[test]
    fn one_task_has_no_forgetting_or_transfer() {
        let one = vec![vec![0.8]];
        approx(average_accuracy(&one).expect("valid"), 0.8);
        approx(forgetting(&one, Forgetting::Max).expect("valid"), 0.0);
        approx(backward_transfer(&one).expect("valid"), 0.0);
        approx(forward_transfer(&one, &[0.5]).expect("valid"), 0.0);
    }

    #[test]
    fn malformed_inputs_name_the_entry() {
        let err = average_accuracy(&[vec![0.5, 0.5], vec![0.5]]).expect_err("must be rejected");
        assert_eq!(err.field(), Some("accuracyMatrix[1]"));
        let err = average_accuracy(&[vec![f64::NAN]]).expect_err("must be rejected");
        assert_eq!(err.field(), Some("accuracyMatrix[0][0]"));
        assert_eq!(
            average_accuracy(&[]).expect_err("must be rejected").field(),
            Some("accuracyMatrix")
        );
        let err = forward_transfer(&r(), &[0.1]).expect_err("must be rejected");
        assert_eq!(err.field(), Some("randomInit"));
    }

    /// Two tasks, evaluated at 8 points; task 0 ends at point 3 (a stability gap at 4–5).
    /// ```text
    /// point      0    1    2    3    4    5    6    7
    /// task0    0.5  0.7  0.9  0.95 0.4  0.6  0.8  0.85
    /// task1    0.1  0.1  0.1  0.1  0.5  0.7  0.8  0.9
    /// ```
    fn curves() -> ContinualCurves {
        ContinualCurves {
            acc: vec![
                vec![0.5, 0.7, 0.9, 0.95, 0.4, 0.6, 0.8, 0.85],
                vec![0.1, 0.1, 0.1, 0.1, 0.5, 0.7, 0.8, 0.9],
            ],
            ends: vec![3],
        }
    }

    #[test]
    fn continual_evaluation_by_hand() {
        let c = curves();
        // Before task 0's end has been followed by an evaluation: no min-ACC.
        assert_eq!(c.min_acc(3).expect("valid"), None);
        // min over points 4..=5 of task 0 = 0.4; over 4..=7 still 0.4.
        approx(c.min_acc(5).expect("valid").expect("valid"), 0.4);
        approx(c.min_acc(7).expect("valid").expect("valid"), 0.4);
        // WC-ACC at point 7 on task 1 (k = 2): 0.9/2 + 0.4/2 = 0.65
        approx(c.wc_acc(7, 1).expect("valid"), 0.65);
        // During task 0 (k = 1) it is just the current accuracy.
        approx(c.wc_acc(2, 0).expect("valid"), 0.9);
        // WF with windows of 2 consecutive points: task0 largest one-step drop 0.95 → 0.4 = 0.55,
        // task1 never drops: 0. Mean 0.275.
        let (per, mean) = c.windowed_forgetting(2).expect("valid");
        approx(per[0].expect("valid"), 0.55);
        approx(per[1].expect("valid"), 0.0);
        approx(mean, 0.275);
        // A window of 3 sees the same worst drop here; a slow decline shows the difference:
        let slow = ContinualCurves {
            acc: vec![vec![0.9, 0.8, 0.7, 0.6]],
            ends: vec![],
        };
        approx(slow.windowed_forgetting(2).expect("valid").1, 0.1);
        approx(slow.windowed_forgetting(3).expect("valid").1, 0.2);
        approx(slow.windowed_forgetting(10).expect("valid").1, 0.3);
    }

    #[test]
    fn stability_gap_by_hand() {
        let gap = stability_gap(&curves().acc[0], 3, 3).expect("valid");
        approx(gap.at_end, 0.95);
        approx(gap.lowest, 0.4);
        assert_eq!(gap.lowest_at, 4);
        approx(gap.drop, 0.55);
        approx(gap.last, 0.85);
        approx(gap.recovery, 0.45);
        assert_eq!(
            stability_gap(&[0.5, 0.6], 1, 3)
                .expect_err("must be rejected")
                .field(),
            Some("end")
        );
    }

    #[test]
    fn malformed_curves_are_errors() {
        let mut c = curves();
        c.ends = vec![9];
        assert_eq!(
            c.min_acc(7).expect_err("must be rejected").field(),
            Some("ends")
        );
        let mut c = curves();
        c.acc[1].pop();
        assert_eq!(
            c.min_acc(7).expect_err("must be rejected").field(),
            Some("curves[1]")
        );
        assert_eq!(
            curves()
                .windowed_forgetting(1)
                .expect_err("must be rejected")
                .field(),
            Some("window")
        );
        assert_eq!(
            curves().wc_acc(9, 0).expect_err("must be rejected").field(),
            Some("current")
        );
    }
}
