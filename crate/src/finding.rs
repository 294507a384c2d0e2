//! Findings the lab states, each with its evidence (docs/SCIENCE.md, "How iclab decides a
//! finding"). A finding — A beats B, a crossover, an emergence, a fade — is computed once, here in
//! the core, from the measurements; the CLI prints it and the pages render its statement. It says
//! what was compared, by how much (the margin), the noise that margin was held against (seeds, a
//! bootstrap over prompts, the sampling error of an accuracy), and, where two explanations could
//! fit, how far apart they are themselves. It is *decided* only when the margin clearly exceeds
//! them; otherwise its statement says the data cannot tell.

use serde::{Deserialize, Serialize};

/// How many times the noise a margin must exceed to decide a finding. Two noise units: with a
/// bootstrap standard error, about a 95 % one-sided bar; with a seed range, the margin must be
/// twice the spread the seeds showed.
pub const CLEAR: f64 = 2.0;

/// Where the noise a margin was compared against comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoiseSource {
    /// Half the range over training seeds (max − min) / 2.
    SeedRange,
    /// The standard error of the margin over bootstrap resamples of the evaluation prompts.
    Bootstrap,
    /// The sampling standard error of an accuracy measured on a finite set of test examples,
    /// √(p(1 − p)/n) (of a difference of two: the root of the sum of their squares).
    Binomial,
    /// The steps between two evaluations: a step read off evaluations is known to that much.
    EvaluationInterval,
    /// The standard error of a mean over evaluation sequences (their standard deviation / √n).
    SequenceMean,
}

/// The evidence of one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// What the margin measures, in words.
    pub compared: String,
    /// The margin in favour of the stated outcome (its units are the compared quantity's);
    /// `null` where there was nothing to compare.
    #[serde(with = "nullable")]
    #[cfg_attr(test, ts(type = "number | null"))]
    pub margin: f64,
    /// The noise the margin was held against, in the same units.
    #[serde(with = "nullable")]
    #[cfg_attr(test, ts(type = "number | null"))]
    pub noise: f64,
    pub noise_source: NoiseSource,
    /// How many seeds, resamples or test examples the noise comes from.
    pub samples: u32,
    /// Where two explanations could fit: how far apart they are themselves (same units).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub separation: Option<f64>,
    /// Whether the margin clearly exceeds the noise (and the separation's bar, where there is one).
    pub decided: bool,
}

impl Evidence {
    /// A margin held against noise alone: decided when `margin > CLEAR × noise` (and the margin is
    /// a number: a NaN margin decides nothing).
    pub fn against_noise(
        compared: impl Into<String>,
        margin: f64,
        noise: f64,
        noise_source: NoiseSource,
        samples: u32,
    ) -> Self {
        Self {
            compared: compared.into(),
            margin,
            noise,
            noise_source,
            samples,
            separation: None,
            decided: clears(margin, noise),
        }
    }
}

/// A number that may be NaN ("nothing measured"), written as JSON `null` and read back as NaN
/// (JSON has no NaN): `#[serde(with = "crate::finding::nullable")]`.
pub mod nullable {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        if value.is_finite() {
            s.serialize_f64(*value)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// A mean over seeds with its range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Self {
        let (min, max) = min_max(values);
        Self {
            mean: mean(values),
            min,
            max,
        }
    }
}

/// Whether `margin` clearly exceeds `noise` (both finite, `margin > CLEAR × noise`, and positive).
pub fn clears(margin: f64, noise: f64) -> bool {
    margin.is_finite() && noise.is_finite() && margin > 0.0 && margin > CLEAR * noise
}

/// Half the range of `values` (the seeds' spread around their middle); 0 for one value, NaN for
/// none.
pub fn half_range(values: &[f64]) -> f64 {
    let (lo, hi) = min_max(values);
    (hi - lo) / 2.0
}

/// The smallest and largest of `values` (NaN, NaN when empty; NaNs are skipped).
pub fn min_max(values: &[f64]) -> (f64, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi {
        (f64::NAN, f64::NAN)
    } else {
        (lo, hi)
    }
}

/// The mean of the finite `values` (NaN when there are none).
pub fn mean(values: &[f64]) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        f64::NAN
    } else {
        finite.iter().sum::<f64>() / finite.len() as f64
    }
}

/// The sampling standard error of an accuracy `p` measured on `n` examples.
pub fn binomial_se(p: f64, n: u32) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    (p.clamp(0.0, 1.0) * (1.0 - p.clamp(0.0, 1.0)) / f64::from(n)).sqrt()
}

/// "0.42" or "0.42 (0.40–0.45)": a mean and, for several values, their range.
pub fn with_range(values: &[f64], digits: usize) -> String {
    let (lo, hi) = min_max(values);
    let m = mean(values);
    if values.len() < 2 || lo == hi {
        format!("{m:.digits$}")
    } else {
        format!("{m:.digits$} ({lo:.digits$}–{hi:.digits$})")
    }
}

/// A whole number with thousands separators, as the pages write them ("24,000").
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_margin_decides_only_past_twice_the_noise() {
        let e = Evidence::against_noise("a − b", 0.1, 0.04, NoiseSource::SeedRange, 3);
        assert!(e.decided);
        let e = Evidence::against_noise("a − b", 0.1, 0.05, NoiseSource::SeedRange, 3);
        assert!(!e.decided, "exactly twice the noise is not clearly past it");
        assert!(
            !clears(-0.3, 0.0),
            "a negative margin favours the other side"
        );
        assert!(!clears(f64::NAN, 0.0));
        assert!(!clears(0.2, f64::NAN));
        assert!(clears(0.2, 0.0), "no noise: any positive margin decides");
    }

    #[test]
    fn nan_travels_as_null() {
        let e = Evidence::against_noise("x", f64::NAN, 0.1, NoiseSource::Bootstrap, 10);
        let text = serde_json::to_string(&e).expect("json");
        assert!(text.contains("\"margin\":null"), "{text}");
        let back: Evidence = serde_json::from_str(&text).expect("back");
        assert!(back.margin.is_nan() && back.noise == 0.1 && !back.decided);
    }

    #[test]
    fn ranges_means_and_numbers() {
        assert!((half_range(&[0.2, 0.6, 0.4]) - 0.2).abs() < 1e-12);
        assert_eq!(half_range(&[0.3]), 0.0);
        assert!(half_range(&[]).is_nan());
        assert_eq!(min_max(&[f64::NAN, 2.0, -1.0]), (-1.0, 2.0));
        assert_eq!(mean(&[1.0, f64::NAN, 3.0]), 2.0);
        assert_eq!(with_range(&[0.4, 0.5, 0.6], 2), "0.50 (0.40–0.60)");
        assert_eq!(with_range(&[0.4], 2), "0.40");
        assert_eq!(thousands(24_000), "24,000");
        assert_eq!(thousands(512), "512");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert!((binomial_se(0.5, 100) - 0.05).abs() < 1e-12);
    }
}
