//! What a network that loses plasticity looks like inside (Dohare et al. 2024, "Loss of
//! plasticity in deep continual learning"; docs/SCIENCE.md §3), as pure functions of a hidden
//! layer's activations on a probe set and of the weights:
//! - the fraction of **dead units**: ReLU units whose activation is 0 on every probe example (they
//!   pass no gradient, so nothing brings them back);
//! - the **effective rank** of the representation (Roy & Vetterli 2007): with σ_k the singular
//!   values of the `[examples, units]` activation matrix and `p_k = σ_k / Σ_j σ_j`,
//!   `erank = exp(−Σ_k p_k ln p_k)` — between 1 (every example on one direction) and the number
//!   of units (all directions used alike);
//! - the **mean weight magnitude**, `(1/N) Σ_i |w_i|` over every weight.

use nalgebra::DMatrix;
use serde::Serialize;

use crate::{Error, Result};

/// Examples of a task's training data the measures read (its first ones).
pub const PROBE: usize = 500;

/// A network's plasticity at the end of one training segment.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlasticityPoint {
    pub segment: u32,
    pub task: u32,
    /// Accuracy on the task's test set right after training on it: how well the network still
    /// learns a new task (the accuracy matrix's diagonal).
    pub new_task_accuracy: f64,
    /// Fraction of hidden units, every hidden layer together, that are 0 on every probe example.
    pub dead_units: f64,
    /// Effective rank of the last hidden layer's activations on the probe.
    pub effective_rank: f64,
    /// The last hidden layer's width: the effective rank's ceiling.
    pub width: u32,
    /// Mean |w| over every weight matrix (biases left out).
    pub weight_magnitude: f64,
}

/// Whether a network kept learning new tasks: its new-task accuracy over the first fifth of the
/// stream's segments against the last fifth.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlasticityVerdict {
    /// `declined` (the last fifth lower by more than twice the sampling error) or `not_seen`.
    pub outcome: String,
    /// Segments in each window.
    pub window: u32,
    pub early: f64,
    pub late: f64,
    pub statement: String,
    /// Margin: `early − late` (a decline is positive), against the sampling error of the two
    /// windows' accuracies.
    pub evidence: crate::finding::Evidence,
}

impl PlasticityVerdict {
    /// From each segment's point and the test examples per task; `None` below 5 segments.
    pub fn of(points: &[PlasticityPoint], test_per_task: u32) -> Option<Self> {
        use crate::finding::{Evidence, NoiseSource, binomial_se};
        let n = points.len();
        if n < 5 {
            return None;
        }
        let window = n / 5;
        let mean = |ps: &[PlasticityPoint]| {
            ps.iter().map(|p| p.new_task_accuracy).sum::<f64>() / ps.len() as f64
        };
        let (early, late) = (mean(&points[..window]), mean(&points[n - window..]));
        let examples = test_per_task.saturating_mul(window as u32);
        let noise = binomial_se(early, examples).hypot(binomial_se(late, examples));
        let drop = early - late;
        let evidence = Evidence::against_noise(
            "new-task accuracy: first fifth of the stream minus last fifth",
            drop,
            noise,
            NoiseSource::Binomial,
            examples,
        );
        let pct = |a: f64| format!("{:.1}%", 100.0 * a);
        let first = format!("the first {window} tasks");
        let last = format!("the last {window}");
        let (outcome, statement) = if evidence.decided {
            (
                "declined",
                format!(
                    "The network lost plasticity: its accuracy on each new task right after learning it fell from {} ({first}) to {} ({last}), {:.1} points, more than twice the sampling error (±{:.1}).",
                    pct(early),
                    pct(late),
                    100.0 * drop,
                    100.0 * noise
                ),
            )
        } else {
            (
                "not_seen",
                format!(
                    "No loss of plasticity measured: {} on {first}, {} on {last} (a change of {:+.1} points; a decline counts beyond {:.1}).",
                    pct(early),
                    pct(late),
                    -100.0 * drop,
                    200.0 * noise
                ),
            )
        };
        Some(Self {
            outcome: outcome.to_owned(),
            window: window as u32,
            early,
            late,
            statement,
            evidence,
        })
    }
}

/// Checks that `values` holds `rows × cols` numbers.
fn shape(values: &[f32], rows: usize, cols: usize, what: &str) -> Result<()> {
    if rows == 0 || cols == 0 || values.len() != rows * cols {
        return Err(Error::invalid(
            what,
            format!(
                "{} numbers do not make a {rows} × {cols} matrix",
                values.len()
            ),
        ));
    }
    Ok(())
}

/// The fraction of units (columns of the row-major `[examples, units]` `activations`) that are
/// 0 on every example.
pub fn dead_fraction(activations: &[f32], examples: usize, units: usize) -> Result<f64> {
    shape(activations, examples, units, "activations")?;
    let dead = (0..units)
        .filter(|&u| (0..examples).all(|i| activations[i * units + u] <= 0.0))
        .count();
    Ok(dead as f64 / units as f64)
}

/// The effective rank of the row-major `[examples, units]` `activations` (see the module
/// docs); 0 for an all-zero matrix.
pub fn effective_rank(activations: &[f32], examples: usize, units: usize) -> Result<f64> {
    shape(activations, examples, units, "activations")?;
    let m = DMatrix::from_row_iterator(examples, units, activations.iter().map(|&v| f64::from(v)));
    let singular = m.singular_values();
    let total: f64 = singular.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return Ok(0.0);
    }
    let entropy: f64 = singular
        .iter()
        .map(|&s| s / total)
        .filter(|&p| p > 0.0)
        .map(|p| -p * p.ln())
        .sum();
    Ok(entropy.exp())
}

/// The mean absolute value of `weights` (NaN when empty).
pub fn mean_magnitude(weights: &[f32]) -> f64 {
    if weights.is_empty() {
        return f64::NAN;
    }
    weights.iter().map(|&w| f64::from(w.abs())).sum::<f64>() / weights.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_units_by_hand() {
        // 3 examples × 4 units: unit 1 is 0 everywhere, unit 3 negative (post-ReLU it would be 0)
        let a = [
            1.0, 0.0, 0.0, -1.0, //
            0.0, 0.0, 2.0, 0.0, //
            0.5, 0.0, 0.0, -3.0,
        ];
        assert_eq!(dead_fraction(&a, 3, 4).expect("a matrix"), 0.5);
        assert_eq!(dead_fraction(&[0.0; 6], 2, 3).expect("a matrix"), 1.0);
        assert!(dead_fraction(&a, 4, 4).is_err());
    }

    #[test]
    fn effective_rank_by_hand() {
        // two orthogonal directions of equal strength: p = (½, ½), erank = exp(ln 2) = 2
        let two = [3.0, 0.0, 0.0, 0.0, 3.0, 0.0];
        assert!((effective_rank(&two, 2, 3).expect("a matrix") - 2.0).abs() < 1e-9);
        // every row on one direction: rank 1
        let one = [1.0, 2.0, 2.0, 4.0, 3.0, 6.0];
        assert!((effective_rank(&one, 3, 2).expect("a matrix") - 1.0).abs() < 1e-9);
        // unequal singular values 3 and 1: p = (¾, ¼), erank = exp(−¾ ln ¾ − ¼ ln ¼) ≈ 1.7548
        let uneven = [3.0, 0.0, 0.0, 1.0];
        let expected = (-(0.75f64 * 0.75f64.ln()) - 0.25 * 0.25f64.ln()).exp();
        assert!((effective_rank(&uneven, 2, 2).expect("a matrix") - expected).abs() < 1e-9);
        assert!((expected - 1.7548).abs() < 1e-4);
        assert_eq!(effective_rank(&[0.0; 4], 2, 2).expect("a matrix"), 0.0);
    }

    #[test]
    fn weight_magnitude_by_hand() {
        assert_eq!(mean_magnitude(&[1.0, -3.0, 0.5, -0.5]), 1.25);
        assert!(mean_magnitude(&[]).is_nan());
    }
}
