//! Error versus number of in-context examples, normalized so the zero estimator scores 1, with a
//! 90% bootstrap band over prompts (SCIENCE.md §1).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

/// Bootstrap resamples behind each band. Default 200: the 5%/95% quantiles move by < 1% of the
/// band width between runs at 1,280 prompts.
const BOOTSTRAP_RESAMPLES: usize = 200;

/// Entry `i` is the error of the prediction made after seeing `i` examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorCurve {
    pub mean: Vec<f64>,
    /// 5% bootstrap quantile of the mean.
    pub lower: Vec<f64>,
    /// 95% bootstrap quantile of the mean.
    pub upper: Vec<f64>,
}

/// Predictions and targets `[batch, points]` → normalized squared-error curve with its band.
pub fn error_curve(
    predictions: &[f64],
    targets: &[f64],
    points: usize,
    normalizer: f64,
    seed: u64,
) -> ErrorCurve {
    let batch = targets.len() / points.max(1);
    let sq: Vec<f64> = predictions
        .iter()
        .zip(targets)
        .map(|(p, y)| (p - y).powi(2) / normalizer)
        .collect();
    let column_mean = |rows: &mut dyn Iterator<Item = usize>, k: usize| -> f64 {
        let (mut sum, mut n) = (0.0, 0usize);
        for b in rows {
            sum += sq[b * points + k];
            n += 1;
        }
        sum / n.max(1) as f64
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| (0..batch).map(|_| rng.random_range(0..batch)).collect())
        .collect();
    let mut curve = ErrorCurve {
        mean: Vec::with_capacity(points),
        lower: Vec::with_capacity(points),
        upper: Vec::with_capacity(points),
    };
    for k in 0..points {
        curve.mean.push(column_mean(&mut (0..batch), k));
        let mut boots: Vec<f64> = resamples
            .iter()
            .map(|rows| column_mean(&mut rows.iter().copied(), k))
            .collect();
        boots.sort_by(f64::total_cmp);
        curve.lower.push(quantile(&boots, 0.05));
        curve.upper.push(quantile(&boots, 0.95));
    }
    curve
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_of_hand_computed_errors() {
        // two prompts, two points; normalizer 2
        let pred = [1.0, 0.0, 3.0, 2.0];
        let ys = [0.0, 0.0, 1.0, 0.0];
        let c = error_curve(&pred, &ys, 2, 2.0, 0);
        assert_eq!(
            c.mean,
            vec![(1.0 / 2.0 + 4.0 / 2.0) / 2.0, (0.0 + 4.0 / 2.0) / 2.0]
        );
        for k in 0..2 {
            assert!(c.lower[k] <= c.mean[k] && c.mean[k] <= c.upper[k]);
        }
    }

    #[test]
    fn quantile_interpolates() {
        assert_eq!(quantile(&[0.0, 1.0, 2.0], 0.5), 1.0);
        assert_eq!(quantile(&[0.0, 10.0], 0.05), 0.5);
    }
}
