//! What an evaluation's curves say (the in-context page's sentence under its chart): at k = d and
//! at the largest k, which method is lowest and whether the model's difference from its nearest
//! rival is clear of the noise.
//!
//! It reads the curves alone — each method's mean and 90 % bootstrap band — so it reads whatever
//! a page draws, including curves of one method computed in a later call on the same prompts.
//! Each curve's standard error is its band's width ÷ (2 × 1.645); the difference's noise is the
//! root of the sum of the two squares (as if the two were independent: they are scored on the same
//! prompts, so this is the cautious side). A difference is decided when it exceeds `CLEAR` × that
//! noise, the two 90 % bands do not overlap, and it is at least [`RESOLUTION`], the smallest
//! difference the sentence can show (it prints errors to two decimals): otherwise the two are a
//! tie, and the sentence says so (a page once read "0.00 (least squares 0.00): least squares is
//! lower than the model").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::baselines::BaselineKind;
use super::curves::ErrorCurve;
use crate::finding::{Evidence, NoiseSource};
use crate::{Error, Result};

/// Width of a 90 % normal interval in standard errors: 2 × 1.645.
const BAND_WIDTH_IN_SE: f64 = 2.0 * 1.644_853_626_951_472_2;

/// The smallest difference the sentence shows (errors are printed to two decimals): a smaller
/// one is a tie however narrow the bands.
pub const RESOLUTION: f64 = 0.005;

/// Whether the two curves' 90 % bands at `k` overlap (a missing band counts as overlapping).
fn bands_overlap(a: &ErrorCurve, b: &ErrorCurve, k: usize) -> bool {
    match (
        a.lower.get(k),
        a.upper.get(k),
        b.lower.get(k),
        b.upper.get(k),
    ) {
        (Some(al), Some(au), Some(bl), Some(bu)) => al <= bu && bl <= au,
        _ => true,
    }
}

/// An error as the sentence prints it: two decimals, and past 1,000 in powers of ten
/// (`5.66e4`), so a probe that blows a baseline up does not print a long number.
fn shown(e: f64) -> String {
    if e.abs() >= 1000.0 {
        format!("{e:.2e}")
    } else {
        format!("{e:.2}")
    }
}

/// The curves at one k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReadingAtK {
    pub k: u32,
    pub model: f64,
    /// The method with the lowest error here (`model` when the model is lowest).
    pub lowest: String,
    /// The method compared with the model: the lowest, or the runner-up when the model is lowest.
    pub rival: String,
    /// Margin: |model − rival| (normalized error); noise: the two curves' standard errors
    /// combined.
    pub evidence: Evidence,
}

/// The reading of an evaluation with a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    pub at: Vec<ReadingAtK>,
    pub statement: String,
}

/// A curve's standard error at k, from its 90 % band.
fn se(curve: &ErrorCurve, k: usize) -> f64 {
    match (curve.lower.get(k), curve.upper.get(k)) {
        (Some(lo), Some(hi)) => (hi - lo).max(0.0) / BAND_WIDTH_IN_SE,
        _ => f64::NAN,
    }
}

/// What `curves` (one named `model`; the zero estimator is no rival) say at k = `dims` and at the
/// largest k; `None` without a model or without a rival.
pub fn read(curves: &BTreeMap<String, ErrorCurve>, dims: usize) -> Option<Reading> {
    let model = curves.get("model")?;
    let last = model.mean.len().checked_sub(1)?;
    let mut ks = vec![dims.min(last), last];
    ks.dedup();
    let label = BaselineKind::title_of;
    let mut parts = vec![];
    let mut at = vec![];
    for k in ks {
        let mut ranked: Vec<(&str, f64)> = curves
            .iter()
            .filter(|(m, _)| m.as_str() != "zero")
            .filter_map(|(m, c)| Some((m.as_str(), *c.mean.get(k)?)))
            .filter(|(_, e)| e.is_finite())
            .collect();
        ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
        let Some(&(lowest, _)) = ranked.first() else {
            continue;
        };
        let Some(&(rival, rival_error)) = ranked.iter().find(|(m, _)| *m != "model") else {
            continue;
        };
        let mine = model.mean[k];
        let noise = se(model, k).hypot(se(&curves[rival], k));
        let mut evidence = Evidence::against_noise(
            "|model − nearest rival| normalized error at k",
            (mine - rival_error).abs(),
            noise,
            NoiseSource::Bootstrap,
            2,
        );
        // a tie within the curves' own bands, or below what the sentence can show
        evidence.decided &=
            !bands_overlap(model, &curves[rival], k) && evidence.margin >= RESOLUTION;
        let others: Vec<String> = ranked
            .iter()
            .filter(|(m, _)| *m != "model")
            .map(|(m, e)| format!("{} {}", label(m), shown(*e)))
            .collect();
        let verdict = match (lowest == "model", evidence.decided) {
            (true, true) => format!(
                "the model is the lowest, {:.3} below {} (noise {:.3})",
                evidence.margin,
                label(rival),
                evidence.noise
            ),
            (false, true) => format!(
                "{} is lower than the model by {:.3} (noise {:.3})",
                label(lowest),
                evidence.margin,
                evidence.noise
            ),
            _ if evidence.margin < RESOLUTION => {
                format!("the model and {} are level (to two decimals)", label(rival))
            }
            _ => format!(
                "the model and {} cannot be told apart ({:.3} apart, within their bands; noise {:.3})",
                label(rival),
                evidence.margin,
                evidence.noise
            ),
        };
        parts.push(format!(
            "with k = {k} examples the model's error is {} ({}): {verdict}",
            shown(mine),
            others.join(", ")
        ));
        at.push(ReadingAtK {
            k: k as u32,
            model: mine,
            lowest: lowest.to_owned(),
            rival: rival.to_owned(),
            evidence,
        });
    }
    if at.is_empty() {
        return None;
    }
    let zero = curves.get("zero").and_then(|c| c.mean.get(last)).copied();
    let statement = format!(
        "On this chart, {}.{}",
        parts.join("; "),
        zero.map_or(String::new(), |z| format!(
            " Always answering 0 scores {} at k = {last}.",
            shown(z)
        ))
    );
    Some(Reading { at, statement })
}

/// [`read`] for curves that arrive as JSON (the package's `readCurves`); malformed curves name
/// `curves`.
pub fn read_json(curves: &str, dims: u32) -> Result<Option<Reading>> {
    let parsed: BTreeMap<String, ErrorCurve> = serde_json::from_str(curves)
        .map_err(|e| Error::invalid("curves", format!("not error curves: {e}")))?;
    if let Some((name, c)) = parsed
        .iter()
        .find(|(_, c)| c.lower.len() != c.mean.len() || c.upper.len() != c.mean.len())
    {
        return Err(Error::invalid(
            "curves",
            format!(
                "{name}: mean, lower and upper differ in length ({}, {}, {})",
                c.mean.len(),
                c.lower.len(),
                c.upper.len()
            ),
        ));
    }
    Ok(read(&parsed, dims as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flat curve at `e` with a 90 % band of ± `half` at every k.
    fn curve(e: f64, half: f64, points: usize) -> ErrorCurve {
        ErrorCurve {
            mean: vec![e; points],
            lower: vec![e - half; points],
            upper: vec![e + half; points],
        }
    }

    fn of(spec: &[(&str, f64, f64)]) -> BTreeMap<String, ErrorCurve> {
        spec.iter()
            .map(|(m, e, h)| (m.to_string(), curve(*e, *h, 4)))
            .collect()
    }

    #[test]
    fn a_clear_gap_is_decided_and_a_tie_is_not() {
        // model 0.1 ± 0.01, least squares 0.5 ± 0.01: decided, the model lowest
        let r = read(
            &of(&[
                ("model", 0.1, 0.01),
                ("least_squares", 0.5, 0.01),
                ("zero", 1.0, 0.0),
            ]),
            2,
        )
        .expect("reading");
        assert_eq!((r.at[0].k, r.at[1].k), (2, 3));
        assert_eq!(r.at[0].lowest, "model");
        assert!(r.at[0].evidence.decided);
        assert!(
            r.statement
                .contains("the model is the lowest, 0.400 below least squares"),
            "{}",
            r.statement
        );
        assert!(
            r.statement
                .contains("Always answering 0 scores 1.00 at k = 3")
        );
        // 0.02 apart with bands of ± 0.03 each (noise ≈ 0.026): a tie
        let r = read(&of(&[("model", 0.10, 0.03), ("averaging", 0.12, 0.03)]), 2).expect("reading");
        assert!(!r.at[0].evidence.decided, "{:?}", r.at[0].evidence);
        assert!(
            r.statement
                .contains("the model and averaging cannot be told apart"),
            "{}",
            r.statement
        );
        // a rival clearly lower is named
        let r = read(&of(&[("model", 0.4, 0.02), ("lasso", 0.1, 0.02)]), 2).expect("reading");
        assert_eq!(r.at[1].lowest, "lasso");
        assert!(
            r.statement
                .contains("Lasso is lower than the model by 0.300"),
            "{}",
            r.statement
        );
        // no model, or no rival: nothing to read
        assert!(read(&of(&[("least_squares", 0.5, 0.01)]), 2).is_none());
        assert!(read(&of(&[("model", 0.5, 0.01), ("zero", 1.0, 0.0)]), 2).is_none());
    }

    /// Ties read as ties: equal to the printed decimals (a model at 1e-4 next to least squares at
    /// an exact 0, both printed 0.00), or apart by more than twice the noise with overlapping
    /// bands; and a huge value is printed in powers of ten.
    #[test]
    fn ties_within_the_bands_or_the_decimals_are_ties() {
        let exact = |e: f64| ErrorCurve {
            mean: vec![e; 4],
            lower: vec![e; 4],
            upper: vec![e; 4],
        };
        let mut curves = of(&[("model", 1e-4, 1e-5)]);
        curves.insert("least_squares".into(), exact(0.0));
        let r = read(&curves, 2).expect("reading");
        assert!(!r.at[0].evidence.decided, "{:?}", r.at[0].evidence);
        assert!(
            r.statement.contains(
                "error is 0.00 (least squares 0.00): the model and least squares are level"
            ),
            "{}",
            r.statement
        );
        // 0.03 apart, more than twice the noise (0.028), but the 90 % bands overlap
        let half = 0.01 * 1.644_853_626_951_472_2;
        let r = read(&of(&[("model", 0.10, half), ("relu_net", 0.13, half)]), 2).expect("reading");
        assert!(r.at[0].evidence.margin > 2.0 * r.at[0].evidence.noise);
        assert!(!r.at[0].evidence.decided);
        assert!(
            r.statement.contains("cannot be told apart"),
            "{}",
            r.statement
        );
        // a baseline blown up by a probe
        let r = read(
            &of(&[("model", 0.5, 0.01), ("least_squares", 56_580.04, 100.0)]),
            2,
        )
        .expect("reading");
        assert!(
            r.statement.contains("least squares 5.66e4"),
            "{}",
            r.statement
        );
        assert!(r.at[0].evidence.decided, "clear, and the model lowest");
    }

    #[test]
    fn curves_from_json_are_checked() {
        let text =
            serde_json::to_string(&of(&[("model", 0.1, 0.01), ("knn", 0.3, 0.01)])).expect("json");
        assert!(read_json(&text, 2).expect("valid").is_some());
        let err = read_json(
            r#"{"model": {"mean": [1, 2], "lower": [1], "upper": [1, 2]}}"#,
            2,
        )
        .expect_err("ragged");
        assert_eq!(err.field(), Some("curves"));
        assert_eq!(
            read_json("[1]", 2).expect_err("not curves").field(),
            Some("curves")
        );
    }
}
