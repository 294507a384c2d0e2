//! What a run reports: the results so far, the metrics of a finished stream, and the 2-D decision
//! regions.

use serde::Serialize;

use super::ClRun;
use super::evaluate::best;
use crate::Result;
use crate::continual::data::Dataset;
use crate::continual::metrics::{self, ContinualCurves, DipKind, Forgetting, StabilityGap};
use crate::continual::run::config::StrategyKind;

/// Windowed forgetting's window, in evaluation points.
const WINDOW: usize = 10;

/// The metrics of a finished stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub average_accuracy: f64,
    /// Mean forgetting under [`Forgetting::Max`] (Chaudhry et al.).
    pub forgetting: f64,
    pub forgetting_definition: Forgetting,
    /// Mean forgetting under [`Forgetting::SinceLearned`] (Avalanche).
    pub forgetting_since_learned: f64,
    pub backward_transfer: f64,
    pub forward_transfer: f64,
    /// min-ACC at the end of the stream (finished tasks: all first trained before the last
    /// segment).
    pub min_acc: Option<f64>,
    /// WC-ACC at the end of the stream.
    pub wc_acc: f64,
    /// Windowed forgetting over 10 evaluation points, mean over tasks, each counted from the start
    /// of its first segment.
    pub windowed_forgetting: f64,
}

/// A run so far (or finished).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClResult {
    pub strategy: StrategyKind,
    pub tasks: Vec<String>,
    /// Training segments in order, as task indices.
    pub order: Vec<usize>,
    pub multi_head: bool,
    /// `R[s][j]`: accuracy on task j after training segment s (finished segments only; the last
    /// row after any unlearning, see `unlearned`).
    pub accuracy_matrix: Vec<Vec<f64>>,
    /// Accuracy on each task before any training (for FWT).
    pub random_init: Vec<f64>,
    /// Training steps done at each evaluation point (0 = before training).
    pub iterations: Vec<u32>,
    /// `curves[j][t]`: accuracy on task j at evaluation point t.
    pub curves: Vec<Vec<f64>>,
    /// Accuracy on each class's test examples (every task's together) at the latest evaluation
    /// point: what unlearning a class changes.
    pub class_accuracy: Vec<f64>,
    /// Evaluation point at which each finished segment ended.
    pub ends: Vec<usize>,
    /// Classes unlearned after the stream, in order. Once the stream is done the matrix's last
    /// row, and so the metrics, are the learner's as it stands: after these unlearnings (a task
    /// that lost a class counts it as forgotten, which it is, on purpose); `ends` still marks the
    /// evaluation where the last segment ended, before them.
    pub unlearned: Vec<u32>,
    /// Per task, the dip after its first segment, measured over the next segment's evaluation
    /// points (so far) and classified as a stability gap or forgetting; `None` until an
    /// evaluation follows the task's end, and for tasks not yet trained.
    pub stability_gaps: Vec<Option<StabilityGap>>,
    /// The deepest decided stability gap so far (a dip of which at least half came back), if
    /// any: the drop.
    pub largest_stability_gap: Option<f64>,
    /// Tasks whose decided dip after their segment did not come back (settled): forgetting at a
    /// switch, not a gap.
    pub forgotten_at_switch: u32,
    /// Where it runs (and why not on WebGPU, if not).
    pub device_info: crate::device::DeviceInfo,
    /// Steps done and in all.
    pub step: u32,
    pub total_steps: u32,
    pub done: bool,
    /// Present once the stream is done.
    pub metrics: Option<Metrics>,
    /// A network's plasticity at the end of each finished segment: its accuracy on the task it
    /// just learned, dead units, effective rank, weight magnitude (empty for host learners and
    /// the prototypical network).
    pub plasticity: Vec<crate::continual::plasticity::PlasticityPoint>,
    /// Once the stream is done, for a network over at least 5 segments: whether its new-task
    /// accuracy declined from the first fifth of the stream to the last.
    pub plasticity_verdict: Option<crate::continual::plasticity::PlasticityVerdict>,
    /// Loaded from a learner file: what the saved run reported; it trains no further.
    pub loaded: bool,
    /// Input features of every example (2 for 2-D data, 196 for the 14 × 14 digits).
    pub inputs: u32,
}

/// Predicted class over a grid covering a 2-D dataset, and its test points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Boundary {
    pub resolution: usize,
    /// `[xMin, xMax, yMin, yMax]`.
    pub extent: [f32; 4],
    /// `resolution²` classes, row-major, row 0 at `yMin`.
    pub classes: Vec<u32>,
    /// Test points of every task (`[n, 2]` row-major), their labels and task.
    pub points: Vec<f32>,
    pub labels: Vec<u32>,
    pub task_of: Vec<u32>,
}

/// The largest drop among decided stability gaps.
fn largest_gap(gaps: &[Option<StabilityGap>]) -> Option<f64> {
    gaps.iter()
        .flatten()
        .filter(|g| g.kind == DipKind::StabilityGap && g.evidence.decided)
        .map(|g| g.drop)
        .max_by(f64::total_cmp)
}

impl ClRun {
    /// The run so far; metrics once done.
    pub fn result(&self) -> Result<ClResult> {
        let now = self.iterations.len() - 1;
        let last = self.ends.len().checked_sub(1);
        let accuracy_matrix: Vec<Vec<f64>> = self
            .ends
            .iter()
            .enumerate()
            // a finished stream's last row is the learner as it stands: after an unlearning, its
            // accuracies then (the evaluation `unlearn` added at the same step)
            .map(|(s, &e)| {
                if self.done() && Some(s) == last {
                    now
                } else {
                    e
                }
            })
            .map(|e| self.curves.iter().map(|c| c[e]).collect())
            .collect();
        let metrics = if self.done() {
            Some(self.metrics(&accuracy_matrix)?)
        } else {
            None
        };
        let gaps = self.stability_gaps();
        Ok(ClResult {
            strategy: self.config.strategy,
            tasks: self.stream.tasks.iter().map(|t| t.name.clone()).collect(),
            order: self.stream.order.clone(),
            multi_head: self.stream.multi_head,
            accuracy_matrix,
            random_init: self.random_init.clone(),
            iterations: self.iterations.clone(),
            curves: self.curves.clone(),
            class_accuracy: self.class_accuracy.clone(),
            plasticity: self.plasticity.clone(),
            plasticity_verdict: if self.done() {
                crate::continual::plasticity::PlasticityVerdict::of(
                    &self.plasticity,
                    self.stream.tasks.first().map_or(0, |t| t.test.len() as u32),
                )
            } else {
                None
            },
            ends: self.ends.clone(),
            unlearned: self.unlearned.clone(),
            loaded: self.loaded,
            inputs: self.stream.tasks.first().map_or(0, |t| t.test.dim as u32),
            largest_stability_gap: largest_gap(&gaps),
            forgotten_at_switch: gaps
                .iter()
                .flatten()
                .filter(|g| g.kind == DipKind::Forgetting && g.settled && g.evidence.decided)
                .count() as u32,
            stability_gaps: gaps,
            device_info: self.compute.info.clone(),
            step: self.step,
            total_steps: self.total_steps(),
            done: self.done(),
            metrics,
        })
    }

    fn metrics(&self, r: &[Vec<f64>]) -> Result<Metrics> {
        let first = self.stream.first_seen();
        let m = metrics::boundary_metrics(r, &first, &self.random_init)?;
        let last = r.len() - 1;
        // continual evaluation: tasks whose first segment ended before the last one, in order
        let mut by_first: Vec<usize> = (0..first.len()).filter(|&j| first[j] < last).collect();
        by_first.sort_by_key(|&j| first[j]);
        let mut acc: Vec<Vec<f64>> = by_first.iter().map(|&j| self.curves[j].clone()).collect();
        let finished_ends: Vec<usize> = by_first.iter().map(|&j| self.ends[first[j]]).collect();
        // the newest task (first trained last) is the "current" one of WC-ACC
        let newest = (0..first.len()).max_by_key(|&j| first[j]).unwrap_or(0);
        acc.push(self.curves[newest].clone());
        let cc = ContinualCurves {
            acc,
            ends: finished_ends,
        };
        let now = self.iterations.len() - 1;
        let mean = |v: &[f64]| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        Ok(Metrics {
            average_accuracy: m.average_accuracy,
            forgetting: mean(&m.forgetting_max),
            forgetting_definition: Forgetting::Max,
            forgetting_since_learned: mean(&m.forgetting_since_learned),
            backward_transfer: m.backward_transfer,
            forward_transfer: m.forward_transfer,
            min_acc: cc.min_acc(now)?,
            wc_acc: cc.wc_acc(now, cc.acc.len() - 1)?,
            windowed_forgetting: ContinualCurves {
                acc: self.curves.clone(),
                ends: Vec::new(),
            }
            .windowed_forgetting(WINDOW, &self.first_starts())?
            .1,
        })
    }

    /// The evaluation point where each task's first segment starts (the one just before its
    /// first step: the previous segment's end, or 0), `None` for tasks not started yet.
    fn first_starts(&self) -> Vec<Option<usize>> {
        let first = self.stream.first_seen();
        (0..first.len())
            .map(|j| match first[j] {
                s if s >= self.stream.order.len() => None,
                0 => Some(0),
                s => self.ends.get(s - 1).copied(),
            })
            .collect()
    }

    /// The dip of every task after its first segment, over the next segment so far.
    fn stability_gaps(&self) -> Vec<Option<StabilityGap>> {
        let first = self.stream.first_seen();
        let now = self.iterations.len() - 1;
        (0..first.len())
            .map(|j| {
                let end = *self.ends.get(first[j])?;
                let next = self.ends.get(first[j] + 1).copied();
                let window = next.unwrap_or(now).checked_sub(end).filter(|&w| w > 0)?;
                let samples = self.stream.tasks[j].test.len() as u32;
                metrics::stability_gap(&self.curves[j], end, window, next.is_some(), samples).ok()
            })
            .collect()
    }

    /// The predicted class on a `resolution × resolution` grid over the data (2-D datasets only;
    /// `None` otherwise), with every task's test points.
    pub async fn boundary(&self, resolution: usize) -> Result<Option<Boundary>> {
        self.compute.ensure_alive()?;
        let tasks = &self.stream.tasks;
        if tasks[0].test.dim != 2 {
            return Ok(None);
        }
        super::BOUNDARY_RESOLUTION.check(resolution as f64)?;
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        let (mut points, mut labels, mut task_of) = (Vec::new(), Vec::new(), Vec::new());
        for (j, t) in tasks.iter().enumerate() {
            for d in [&t.train, &t.test] {
                for p in d.inputs.chunks_exact(2) {
                    (x0, x1, y0, y1) = (x0.min(p[0]), x1.max(p[0]), y0.min(p[1]), y1.max(p[1]));
                }
            }
            points.extend_from_slice(&t.test.inputs);
            labels.extend_from_slice(&t.test.labels);
            task_of.extend(std::iter::repeat_n(j as u32, t.test.len()));
        }
        let (px, py) = ((x1 - x0) * 0.1, (y1 - y0) * 0.1);
        let extent = [x0 - px, x1 + px, y0 - py, y1 + py];
        let mut grid = Vec::with_capacity(resolution * resolution * 2);
        for r in 0..resolution {
            for c in 0..resolution {
                let fx = (c as f32 + 0.5) / resolution as f32;
                let fy = (r as f32 + 0.5) / resolution as f32;
                grid.push(extent[0] + fx * (extent[1] - extent[0]));
                grid.push(extent[2] + fy * (extent[3] - extent[2]));
            }
        }
        let classes = self.curves_classes();
        let n = resolution * resolution;
        let grid_set = Dataset {
            inputs: grid,
            labels: vec![0; n],
            dim: 2,
            classes,
            image: None,
        };
        let scores = self.scores(&grid_set).await?;
        let classes_out = scores
            .chunks_exact(classes)
            .map(|row| best(row, None).unwrap_or(0) as u32)
            .collect();
        Ok(Some(Boundary {
            resolution,
            extent,
            classes: classes_out,
            points,
            labels,
            task_of,
        }))
    }
}
