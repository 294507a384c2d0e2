//! How close a layer's predictions are to a method's, two ways, and whether the layer can be said
//! to follow Newton or gradient descent (docs/SCIENCE.md §6).
//!
//! - **Prediction distance**: `√(mean over prompts and k ≥ 1 of (ŷ_layer − ŷ_method)² / norm)`,
//!   the root mean squared difference (a metric: it obeys the triangle inequality).
//! - **Residual similarity** (Fu et al.'s, `eval_similarity.py`): per prompt, the cosine between
//!   the two residual vectors `(ŷ − y)` over k ≥ 1, averaged over prompts; the best match is the
//!   iterate of largest mean cosine, as theirs. For distances the cosine becomes an angle, `mean
//!   over prompts of arccos(cos)` (a metric too).
//!
//! The verdict, per metric and layer, with `r_N`, `r_G` the layer's distances to its nearest
//! Newton and GD iterates and `s` the distance between those two iterates themselves (how far
//! apart the two explanations are): the nearer method W is called only when the layer sits
//! within half the separation of it (`r_W ≤ s/2`), at least half the separation nearer to it
//! than to the other (`r_L − r_W ≥ s/2`), and that margin exceeds `CLEAR` × its bootstrap
//! standard error over the scoring prompts. By the triangle inequality the margin can never
//! exceed `s` itself, so "the margin clearly exceeds the separation" takes this form. The same
//! rule must also hold against the zero predictor, where both methods start (a layer that barely
//! moved from 0 is near GD's first small steps for that reason alone); a layer that sits clearly
//! with the zero predictor against the nearer method is [`Resembles::Start`]. Otherwise: cannot
//! tell them apart.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::finding::{CLEAR, Evidence, NoiseSource};

/// Bootstrap resamples of the scoring prompts for the margin's noise.
pub const BOOTSTRAP: u32 = 200;

/// The two ways a layer is compared with a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Root mean squared difference of predictions.
    Prediction,
    /// Fu et al.'s cosine of residual vectors (distances as mean angles, in radians).
    Residual,
}

/// What a layer's predictions resemble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Resembles {
    Newton,
    GradientDescent,
    /// Nearer the zero predictor, where both methods start, than either method's iterate (by the
    /// same rule): the layer has not begun to compute an answer.
    Start,
    /// The data cannot tell the two apart at this layer.
    CannotTell,
}

impl Resembles {
    pub const ALL: [Self; 4] = [
        Self::Newton,
        Self::GradientDescent,
        Self::Start,
        Self::CannotTell,
    ];

    /// The verdict in a table cell.
    pub fn title(self) -> &'static str {
        match self {
            Self::Newton => "Newton",
            Self::GradientDescent => "gradient descent",
            Self::Start => "still ≈ 0 (where both start)",
            Self::CannotTell => "cannot tell",
        }
    }
}

/// A method's iterate nearest a layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// Iterations (Newton) or steps (GD).
    pub steps: u32,
    /// The distance in the comparison's metric (RMS, or mean angle in radians).
    pub distance: f64,
}

/// One layer compared with Newton and GD under one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub metric: Metric,
    pub newton: Match,
    /// Gradient descent as the reference sets it (one fixed step).
    pub gd: Match,
    /// iclab's extra: GD with the per-prompt largest safe step (no verdict is drawn on it).
    pub gd_optimal: Match,
    /// The distance between the matched Newton and GD iterates themselves.
    pub separation: f64,
    /// The layer's distance to the zero predictor, where both methods start.
    pub to_start: f64,
    pub resembles: Resembles,
    /// Margin: distance to the farther method − to the nearer; noise: its bootstrap standard
    /// error; separation: as above. Decided by the rule in the module's doc.
    pub evidence: Evidence,
}

/// Per prompt, the pieces a distance is a mean of, so a bootstrap can resample prompts.
pub struct Parts {
    metric: Metric,
    /// Per prompt: the sum over k ≥ 1 of squared differences (prediction) or the angle (residual).
    values: Vec<f64>,
    /// Per prompt, for the residual metric: the cosine.
    cosines: Vec<f64>,
    /// k ≥ 1 positions per prompt, times the normalizer (prediction).
    scale: f64,
}

impl Parts {
    /// `a`, `b`: `[batch · points]` predictions; `targets` the true outputs.
    pub fn new(
        metric: Metric,
        a: &[f64],
        b: &[f64],
        targets: &[f64],
        points: usize,
        normalizer: f64,
    ) -> Self {
        let batch = a.len() / points.max(1);
        let mut values = Vec::with_capacity(batch);
        let mut cosines = Vec::new();
        for p in 0..batch {
            let range = p * points + 1..(p + 1) * points;
            match metric {
                Metric::Prediction => values.push(range.map(|i| (a[i] - b[i]).powi(2)).sum()),
                Metric::Residual => {
                    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
                    for i in range {
                        let (ra, rb) = (a[i] - targets[i], b[i] - targets[i]);
                        ab += ra * rb;
                        aa += ra * ra;
                        bb += rb * rb;
                    }
                    let cos = if aa > 0.0 && bb > 0.0 {
                        (ab / (aa * bb).sqrt()).clamp(-1.0, 1.0)
                    } else if aa == bb {
                        1.0
                    } else {
                        0.0
                    };
                    cosines.push(cos);
                    values.push(cos.acos());
                }
            }
        }
        Self {
            metric,
            values,
            cosines,
            scale: (points.saturating_sub(1)).max(1) as f64 * normalizer,
        }
    }

    /// The distance over the prompts `pick` (all of them when `None`).
    pub fn distance(&self, pick: Option<&[usize]>) -> f64 {
        let n = pick.map_or(self.values.len(), <[usize]>::len).max(1) as f64;
        let sum: f64 = match pick {
            Some(idx) => idx.iter().map(|&i| self.values[i]).sum(),
            None => self.values.iter().sum(),
        };
        match self.metric {
            Metric::Prediction => (sum / n / self.scale).sqrt(),
            Metric::Residual => sum / n,
        }
    }

    /// Fu et al.'s similarity: the mean cosine (residual metric; NaN for the prediction one).
    pub fn cosine(&self) -> f64 {
        if self.cosines.is_empty() {
            return f64::NAN;
        }
        self.cosines.iter().sum::<f64>() / self.cosines.len() as f64
    }
}

/// Index and value of the best entry: the smallest distance, or the largest cosine.
pub fn best(values: &[f64], largest: bool) -> Option<(usize, f64)> {
    values
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| {
            if largest {
                b.1.total_cmp(&a.1)
            } else {
                a.1.total_cmp(&b.1)
            }
        })
}

/// Whether a layer at `near` from one explanation and `far` from another, the two `separation`
/// apart, sits clearly with the first (the rule of the module's doc).
pub fn sits_with(near: f64, far: f64, separation: f64, noise: f64) -> bool {
    let margin = far - near;
    let inside = near <= separation / 2.0 && margin >= separation / 2.0;
    inside && margin > 0.0 && margin.is_finite() && noise.is_finite() && margin > CLEAR * noise
}

/// The zero predictor's side of a comparison: the layer's distance to it, the nearer method's
/// iterate's distance to it, and the noise of the layer's margin between the two.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub to_start: f64,
    pub method_to_start: f64,
    pub noise: f64,
}

/// The verdict from the three distances and the margin's noise; a layer called for a method
/// must also sit clearly with it against the zero predictor (`start`), and a layer that sits
/// clearly with the zero predictor against the nearer method is [`Resembles::Start`].
pub fn verdict(
    to_newton: f64,
    to_gd: f64,
    separation: f64,
    noise: f64,
    start: Start,
) -> (Resembles, Evidence) {
    let (near, far) = (to_newton.min(to_gd), to_newton.max(to_gd));
    let margin = far - near;
    let from_start = sits_with(near, start.to_start, start.method_to_start, start.noise);
    let at_start = sits_with(start.to_start, near, start.method_to_start, start.noise);
    let decided = sits_with(near, far, separation, noise) && from_start;
    let evidence = Evidence {
        compared: "distance to the farther of Newton and GD − to the nearer".into(),
        margin,
        noise,
        noise_source: NoiseSource::Bootstrap,
        samples: BOOTSTRAP,
        separation: Some(separation),
        decided,
    };
    let resembles = match (decided, at_start, to_newton < to_gd) {
        (true, _, true) => Resembles::Newton,
        (true, _, false) => Resembles::GradientDescent,
        (false, true, _) => Resembles::Start,
        (false, false, _) => Resembles::CannotTell,
    };
    (resembles, evidence)
}

/// The standard error of `distance(to far) − distance(to near)` over `BOOTSTRAP` resamples of the
/// prompts (the matches fixed), seeded.
pub fn margin_noise(newton: &Parts, gd: &Parts, seed: u64) -> f64 {
    let n = newton.values.len();
    if n < 2 {
        return f64::NAN;
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pick = vec![0usize; n];
    let margins: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            for p in pick.iter_mut() {
                *p = rng.random_range(0..n);
            }
            newton.distance(Some(&pick)) - gd.distance(Some(&pick))
        })
        .collect();
    let mean = margins.iter().sum::<f64>() / margins.len() as f64;
    (margins.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (margins.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Far from the zero predictor: the start plays no part.
    const FAR: Start = Start {
        to_start: 1.0,
        method_to_start: 1.0,
        noise: 0.01,
    };

    #[test]
    fn on_one_path_far_from_the_other_a_layer_is_called() {
        // the layer sits on Newton's iterate; GD's is 0.2 away
        let (r, e) = verdict(0.0, 0.2, 0.2, 0.01, FAR);
        assert_eq!(r, Resembles::Newton);
        assert!(e.decided && e.separation == Some(0.2));
        // a fifth of the way from GD's: still called, for GD
        let (r, _) = verdict(0.16, 0.04, 0.2, 0.01, FAR);
        assert_eq!(r, Resembles::GradientDescent);
    }

    /// The case: two method paths closer to each other than the layer is to either.
    #[test]
    fn paths_closer_than_the_layer_cannot_be_told_apart() {
        let (r, e) = verdict(0.0819, 0.0798, 0.006, 0.0005, FAR);
        assert_eq!(r, Resembles::CannotTell);
        assert!(!e.decided);
        // midway between well-separated iterates: no side
        let (r, _) = verdict(0.1, 0.1, 0.2, 0.001, FAR);
        assert_eq!(r, Resembles::CannotTell);
        // near one but within the noise
        let (r, _) = verdict(0.02, 0.2, 0.2, 0.1, FAR);
        assert_eq!(r, Resembles::CannotTell);
    }

    /// A layer predicting about 0 is near GD's first small steps too; it is the start, not GD.
    #[test]
    fn a_layer_at_the_zero_predictor_is_the_start() {
        let at_zero = Start {
            to_start: 0.01,
            method_to_start: 0.08,
            noise: 0.002,
        };
        let (r, e) = verdict(0.4, 0.087, 0.34, 0.005, at_zero);
        assert_eq!(r, Resembles::Start);
        assert!(!e.decided);
    }

    #[test]
    fn distances_by_hand() {
        // two prompts, three points; k = 0 is skipped
        let a = [9.0, 1.0, 2.0, 9.0, 0.0, 3.0];
        let b = [0.0; 6];
        let y = [0.0, 2.0, 2.0, 0.0, 1.0, 1.0];
        let p = Parts::new(Metric::Prediction, &a, &b, &y, 3, 2.0);
        assert!((p.distance(None) - ((1.0 + 4.0 + 0.0 + 9.0) / 4.0 / 2.0f64).sqrt()).abs() < 1e-12);
        // residuals: prompt 0 (−1, 0) vs (−2, −2): cos = 2/(1·√8); prompt 1 (−1, 2) vs (−1, −1)
        let r = Parts::new(Metric::Residual, &a, &b, &y, 3, 2.0);
        let c0 = 2.0 / 8f64.sqrt();
        let c1 = (1.0 - 2.0) / (5f64.sqrt() * 2f64.sqrt());
        assert!((r.cosine() - (c0 + c1) / 2.0).abs() < 1e-12);
        assert!((r.distance(None) - (c0.acos() + c1.acos()) / 2.0).abs() < 1e-12);
        assert!((r.distance(Some(&[0, 0])) - c0.acos()).abs() < 1e-12);
        assert_eq!(best(&[0.3, f64::NAN, 0.1, 0.2], false), Some((2, 0.1)));
        assert_eq!(best(&[0.3, 0.9, 0.1], true), Some((1, 0.9)));
    }

    #[test]
    fn the_bootstrap_noise_shrinks_with_more_prompts() {
        let make = |n: usize| {
            let y: Vec<f64> = (0..n * 3)
                .map(|i| ((i * 7919) % 13) as f64 / 13.0)
                .collect();
            let a: Vec<f64> = y
                .iter()
                .enumerate()
                .map(|(i, v)| v + ((i * 31) % 5) as f64 * 0.1)
                .collect();
            let b: Vec<f64> = y
                .iter()
                .enumerate()
                .map(|(i, v)| v - ((i * 17) % 7) as f64 * 0.1)
                .collect();
            let z = vec![0.0; n * 3];
            let to_a = Parts::new(Metric::Prediction, &z, &a, &y, 3, 1.0);
            let to_b = Parts::new(Metric::Prediction, &z, &b, &y, 3, 1.0);
            margin_noise(&to_a, &to_b, 7)
        };
        let (few, many) = (make(16), make(1024));
        assert!(few > 0.0 && many > 0.0 && many < few / 3.0, "{few} {many}");
    }
}
