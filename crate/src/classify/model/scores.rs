//! What a classifier's outputs score: the loss, both accuracies, Reddy's context-label accuracy,
//! and the induction scores read from the attention at the query.

use burn::tensor::{Int, Tensor};

use crate::classify::sequences::Sequences;

/// Mean cross-entropy of `logits` `[batch, labels]` against `targets` `[batch]`.
pub fn cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [b, _] = logits.dims();
    let log_p = burn::tensor::activation::log_softmax(logits, 1);
    log_p.gather(1, targets.reshape([b, 1])).mean().neg()
}

/// The share of rows whose largest logit is the target's.
pub fn accuracy(logits: &[f32], targets: &[u32], labels: usize) -> f64 {
    let hits = logits
        .chunks_exact(labels)
        .zip(targets)
        .filter(|(row, t)| {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            best == **t as usize
        })
        .count();
    hits as f64 / targets.len().max(1) as f64
}

/// Reddy's context-label accuracy: per sequence, the softmax probability the model puts on the
/// labels present in its context, averaged over sequences. `logits` is `[batch, labels]` for the
/// sequences of `seqs`. Copying any context label scores 1 here, so it rises with the first
/// (label-copying) stage, before the induction head picks the right label.
pub fn context_label_accuracy(logits: &[f32], seqs: &Sequences, labels: usize) -> f64 {
    let n = seqs.pairs;
    let mut total = 0.0;
    let mut rows = 0usize;
    for (b, row) in logits.chunks_exact(labels).enumerate().take(seqs.batch) {
        let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exp: Vec<f64> = row.iter().map(|&v| f64::from(v - top).exp()).collect();
        let sum: f64 = exp.iter().sum();
        let mut present = vec![false; labels];
        for &l in &seqs.labels[b * (n + 1)..b * (n + 1) + n] {
            if let Some(p) = present.get_mut(l as usize) {
                *p = true;
            }
        }
        let mass: f64 = exp
            .iter()
            .zip(&present)
            .filter(|(_, p)| **p)
            .map(|(e, _)| e)
            .sum();
        if sum > 0.0 && sum.is_finite() {
            total += mass / sum;
            rows += 1;
        }
    }
    if rows == 0 {
        f64::NAN
    } else {
        total / rows as f64
    }
}

/// Whether an induction head formed, read off the attention maps (Reddy's progress measures):
/// in the first layer, how much each label token attends to the item just before it (its pair);
/// in the last layer, how much the query attends to the label tokens whose item is of the
/// query's class (the labels it should copy). With several heads, each score is its best head's.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InductionScores {
    /// Mean over label tokens of layer 1's attention to their own item.
    pub label_to_item: f64,
    /// Mean over sequences of the last layer's attention from the query to the matching labels
    /// (summed over those labels).
    pub query_to_match: f64,
}

/// [`InductionScores`] summed per head over sequences seen so far, chunk by chunk, so an
/// evaluation need not hold every sequence's attention maps at once.
#[derive(Debug, Clone, Default)]
pub struct InductionTally {
    label_to_item: Vec<f64>,
    query_to_match: Vec<f64>,
    sequences: usize,
    pairs: usize,
}

impl InductionTally {
    /// Adds the sequences of `seqs`, whose first and last layers' maps (`[batch, heads, s, s]`)
    /// are `first` and `last`.
    pub fn add(&mut self, seqs: &Sequences, first: &[f32], last: &[f32]) {
        let n = seqs.pairs;
        let s = 2 * n + 1;
        let heads = first.len() / (seqs.batch * s * s).max(1);
        if self.label_to_item.is_empty() {
            self.label_to_item = vec![0.0; heads];
            self.query_to_match = vec![0.0; heads];
        }
        let at = |m: &[f32], b: usize, h: usize, i: usize, j: usize| {
            f64::from(m[((b * heads + h) * s + i) * s + j])
        };
        for h in 0..heads.min(self.label_to_item.len()) {
            for b in 0..seqs.batch {
                for i in 0..n {
                    self.label_to_item[h] += at(first, b, h, 2 * i + 1, 2 * i);
                }
                let query = seqs.classes[b * (n + 1) + n];
                for i in 0..n {
                    if seqs.classes[b * (n + 1) + i] == query {
                        self.query_to_match[h] += at(last, b, h, s - 1, 2 * i + 1);
                    }
                }
            }
        }
        self.sequences += seqs.batch;
        self.pairs = n;
    }

    /// The scores over every sequence added; `None` before any map.
    pub fn scores(&self) -> Option<InductionScores> {
        if self.label_to_item.is_empty() {
            return None;
        }
        let batch = self.sequences.max(1) as f64;
        let best = |sums: &[f64]| sums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(InductionScores {
            label_to_item: best(&self.label_to_item) / (batch * self.pairs.max(1) as f64),
            query_to_match: best(&self.query_to_match) / batch,
        })
    }
}

/// [`InductionScores`] of `seqs` from every layer's maps at once.
pub fn induction_scores(seqs: &Sequences, maps: &[Vec<f32>]) -> Option<InductionScores> {
    let (first, last) = (maps.first()?, maps.last()?);
    let mut tally = InductionTally::default();
    tally.add(seqs, first, last);
    tally.scores()
}
