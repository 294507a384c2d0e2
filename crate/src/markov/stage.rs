//! Which stage a model is in (docs/SCIENCE.md §7): of the three rules it passes through —
//! uniform, unigram, bigram — the one its predictions are nearest, by the mean over evaluation
//! sequences of KL(rule ‖ model) at the last position (the paper's measure). Decided only when
//! the nearest is nearer than the runner-up by more than twice the standard error of that
//! difference over the sequences, and the two rules themselves are that far apart (early in a
//! sequence, or with few states, unigram and bigram predictions can nearly coincide: then no
//! data can tell them apart). Otherwise the model is "between" the two.

use serde::{Deserialize, Serialize};

use super::strategies::Rule;
use crate::finding::{Evidence, NoiseSource, clears};

/// A stage's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Uniform,
    Unigram,
    Bigram,
    /// Not clearly nearer one rule than the next.
    Between,
}

impl Stage {
    fn of(strategy: Rule) -> Self {
        match strategy {
            Rule::Uniform => Self::Uniform,
            Rule::Unigram => Self::Unigram,
            Rule::Bigram | Rule::Oracle => Self::Bigram,
        }
    }
}

/// The stage at one evaluation, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StageFinding {
    pub stage: Stage,
    /// The nearest rule and the next nearest.
    pub nearest: Rule,
    pub runner_up: Rule,
    /// Margin: the runner-up's mean KL minus the nearest's; noise: the standard error of the
    /// per-sequence difference; separation: the mean KL(nearest ‖ runner-up) between the rules.
    pub evidence: Evidence,
    pub statement: String,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The standard error of the mean of `v`.
pub fn standard_error(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    (var / n as f64).sqrt()
}

/// `to_model[s][b]`: KL(rule s ‖ model) on sequence b, for the three stage rules in
/// [`Rule::STAGES`] order; `between[s][r][b]`: KL(rule s ‖ rule r) on sequence b.
pub fn decide(to_model: &[Vec<f64>; 3], between: &[[Vec<f64>; 3]; 3]) -> StageFinding {
    let means: Vec<f64> = to_model.iter().map(|v| mean(v)).collect();
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| means[a].total_cmp(&means[b]));
    let (n, r) = (order[0], order[1]);
    let diffs: Vec<f64> = to_model[r]
        .iter()
        .zip(&to_model[n])
        .map(|(a, b)| a - b)
        .collect();
    let margin = means[r] - means[n];
    let noise = standard_error(&diffs);
    let separation = mean(&between[n][r]);
    let decided = clears(margin, noise) && clears(separation, noise);
    let (nearest, runner_up) = (Rule::STAGES[n], Rule::STAGES[r]);
    let evidence = Evidence {
        compared: format!(
            "mean KL(rule ‖ model) at the last position, {} minus {}",
            runner_up.title(),
            nearest.title()
        ),
        margin,
        noise,
        noise_source: NoiseSource::SequenceMean,
        samples: diffs.len() as u32,
        separation: Some(separation),
        decided,
    };
    let statement = if decided {
        format!(
            "The model predicts like the {} rule: KL {:.3} nats from it, {:.3} nearer than the {} rule (standard error {:.3} over {} sequences; the two rules are {:.3} apart).",
            nearest.title(),
            means[n],
            margin,
            runner_up.title(),
            noise,
            diffs.len(),
            separation
        )
    } else {
        format!(
            "Between the {} and {} rules: {:.3} and {:.3} nats from them, a difference of {:.3} against a standard error of {:.3} over {} sequences, the rules {:.3} apart — not clear enough to say which.",
            nearest.title(),
            runner_up.title(),
            means[n],
            means[r],
            margin,
            noise,
            diffs.len(),
            separation
        )
    };
    StageFinding {
        stage: if decided {
            Stage::of(nearest)
        } else {
            Stage::Between
        },
        nearest,
        runner_up,
        evidence,
        statement,
    }
}

/// The stages an evaluation history decided, in the order each was first decided, with the
/// step (a stage decided again later is not listed twice; "between" is never listed).
pub fn stages_seen(history: &[(u32, Stage)]) -> Vec<(Stage, u32)> {
    let mut seen: Vec<(Stage, u32)> = Vec::new();
    for &(step, stage) in history {
        if stage != Stage::Between && !seen.iter().any(|(s, _)| *s == stage) {
            seen.push((stage, step));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(v: f64, n: usize) -> Vec<f64> {
        vec![v; n]
    }

    fn apart(d: f64) -> [[Vec<f64>; 3]; 3] {
        std::array::from_fn(|i| std::array::from_fn(|j| same(if i == j { 0.0 } else { d }, 50)))
    }

    #[test]
    fn clearly_nearest_is_the_stage() {
        // KL to uniform 0.4, to unigram 0.3 ± a little, to bigram 0.05 ± a little
        let wobble = |base: f64| {
            (0..50)
                .map(|i| base + 0.01 * ((i % 5) as f64 - 2.0))
                .collect()
        };
        let f = decide(&[same(0.4, 50), wobble(0.3), wobble(0.05)], &apart(0.2));
        assert_eq!(f.stage, Stage::Bigram);
        assert_eq!((f.nearest, f.runner_up), (Rule::Bigram, Rule::Unigram));
        assert!((f.evidence.margin - 0.25).abs() < 1e-12);
        assert!(f.evidence.decided);
    }

    #[test]
    fn within_the_noise_or_between_coinciding_rules_is_between() {
        // nearer on average, but the per-sequence differences swing far wider than the margin
        let swing: Vec<f64> = (0..50)
            .map(|i| if i % 2 == 0 { 0.0 } else { 0.2 })
            .collect();
        let f = decide(&[same(0.5, 50), same(0.11, 50), swing], &apart(0.2));
        assert_eq!(f.stage, Stage::Between);
        assert!(!f.evidence.decided);
        // a clear margin, but the two rules are themselves closer than the noise
        let wobble: Vec<f64> = (0..50).map(|i| 0.1 + 0.02 * ((i % 2) as f64)).collect();
        let f = decide(&[same(0.5, 50), same(0.2, 50), wobble], &apart(0.001));
        assert_eq!(f.stage, Stage::Between);
        assert!(f.statement.contains("not clear enough"));
    }
}
