//! The host learners that merge exactly (NCM, streaming LDA, the analytic head) behind one type,
//! as federated runs and classroom clients use them, and how a learner's scores become accuracy
//! overall and per class.

use serde::Serialize;

use super::ClConfig;
use super::federated::MergeLearner;
use crate::continual::data::Dataset;
use crate::continual::learners::{AnalyticHead, HostLearner, NearestClassMean, StreamingLda};
use crate::{Error, Result};

/// Accuracy overall and per class on the test set of every class.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClassScores {
    pub accuracy: f64,
    /// One per class.
    pub per_class: Vec<f64>,
}

/// A host learner that merges.
pub(super) enum Client {
    Ncm(NearestClassMean),
    Slda(StreamingLda),
    Analytic(AnalyticHead),
}

impl Client {
    pub(super) fn new(
        learner: MergeLearner,
        config: &ClConfig,
        dim: usize,
        classes: usize,
    ) -> Self {
        match learner {
            MergeLearner::Ncm => Self::Ncm(NearestClassMean::new(dim, classes)),
            MergeLearner::Slda => Self::Slda(StreamingLda::new(dim, classes)),
            MergeLearner::Analytic => Self::Analytic(AnalyticHead::new(
                config.features as usize,
                classes,
                config.ridge,
                u64::from(config.seed),
            )),
        }
    }

    fn learner(&mut self) -> &mut dyn HostLearner {
        match self {
            Self::Ncm(l) => l,
            Self::Slda(l) => l,
            Self::Analytic(l) => l,
        }
    }

    pub(super) fn scores(&self, data: &Dataset) -> Vec<f64> {
        match self {
            Self::Ncm(l) => l.scores(data),
            Self::Slda(l) => l.scores(data),
            Self::Analytic(l) => l.scores(data),
        }
    }

    pub(super) fn merge(&mut self, other: &Self) -> Result<()> {
        match (self, other) {
            (Self::Ncm(a), Self::Ncm(b)) => a.merge(b),
            (Self::Slda(a), Self::Slda(b)) => a.merge(b),
            (Self::Analytic(a), Self::Analytic(b)) => a.merge(b),
            _ => Err(Error::invalid("merge", "the clients' learners differ")),
        }
    }

    /// Reads `data` in batches of `batch`, in order.
    pub(super) fn observe(&mut self, data: &Dataset, batch: usize) -> Result<()> {
        let rows: Vec<usize> = (0..data.len()).collect();
        for chunk in rows.chunks(batch.max(1)) {
            self.learner().observe(&data.rows(chunk))?;
        }
        Ok(())
    }
}

/// Accuracy overall and per class of `scores` (`[n, classes]`) on `data`.
pub(super) fn score(scores: &[f64], data: &Dataset) -> ClassScores {
    let classes = data.classes;
    let (mut right, mut seen) = (vec![0u32; classes], vec![0u32; classes]);
    for (i, row) in scores.chunks(classes).enumerate() {
        let label = data.labels[i] as usize;
        let best = row
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_finite())
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(c, _)| c);
        seen[label] += 1;
        right[label] += u32::from(best == Some(label));
    }
    ClassScores {
        accuracy: f64::from(right.iter().sum::<u32>()) / data.len().max(1) as f64,
        per_class: right
            .iter()
            .zip(&seen)
            .map(|(&r, &n)| {
                if n == 0 {
                    0.0
                } else {
                    f64::from(r) / f64::from(n)
                }
            })
            .collect(),
    }
}
