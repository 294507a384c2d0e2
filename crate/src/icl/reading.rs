//! What an evaluation's curves say (the in-context page's sentence under its chart): at k = d and
//! at the largest k, which method is lowest and whether the model's difference from its nearest
//! rival is clear of the noise. The noise is a paired bootstrap over the prompts (every method is
//! scored on the same prompts, so the difference is resampled prompt by prompt); a difference is
//! decided when it exceeds `CLEAR` × its bootstrap standard error.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::finding::{Evidence, NoiseSource};

/// Bootstrap resamples of the prompts for a difference's noise.
const RESAMPLES: usize = 200;

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
    /// Margin: |model − rival| (normalized error); noise: its paired bootstrap standard error.
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

/// Per prompt, the normalized squared error of `preds` at k.
fn errors_at(preds: &[f64], targets: &[f64], points: usize, k: usize, normalizer: f64) -> Vec<f64> {
    (0..targets.len() / points.max(1))
        .map(|b| (preds[b * points + k] - targets[b * points + k]).powi(2) / normalizer)
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The standard error of the mean of `diff` over bootstrap resamples of its entries.
fn bootstrap_se(diff: &[f64], seed: u64) -> f64 {
    let n = diff.len();
    if n < 2 {
        return f64::NAN;
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let means: Vec<f64> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| diff[rng.random_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    let m = mean(&means);
    (means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (RESAMPLES - 1) as f64).sqrt()
}

/// What the `methods`' predictions (`[batch · points]` each, one named `model`) say at k = d and at
/// the largest k; `None` without a model. The zero estimator is not a rival.
pub fn read(
    methods: &[(String, Vec<f64>)],
    targets: &[f64],
    points: usize,
    dims: usize,
    normalizer: f64,
    label: impl Fn(&str) -> String,
    seed: u64,
) -> Option<Reading> {
    let model = &methods.iter().find(|(m, _)| m == "model")?.1;
    let last = points.checked_sub(1)?;
    let mut ks = vec![dims.min(last), last];
    ks.dedup();
    let at: Vec<ReadingAtK> = ks
        .iter()
        .filter_map(|&k| {
            let mine = errors_at(model, targets, points, k, normalizer);
            let mut ranked: Vec<(&str, Vec<f64>, f64)> = methods
                .iter()
                .filter(|(m, _)| m != "zero")
                .map(|(m, p)| {
                    let e = errors_at(p, targets, points, k, normalizer);
                    let avg = mean(&e);
                    (m.as_str(), e, avg)
                })
                .filter(|(_, _, avg)| avg.is_finite())
                .collect();
            ranked.sort_by(|a, b| a.2.total_cmp(&b.2));
            let lowest = ranked.first()?.0;
            let rival = ranked.iter().find(|(m, _, _)| *m != "model")?;
            let diff: Vec<f64> = mine.iter().zip(&rival.1).map(|(a, b)| a - b).collect();
            let margin = mean(&diff).abs();
            let noise = bootstrap_se(&diff, seed ^ k as u64);
            Some(ReadingAtK {
                k: k as u32,
                model: mean(&mine),
                lowest: lowest.to_owned(),
                rival: rival.0.to_owned(),
                evidence: Evidence::against_noise(
                    "|model − nearest rival| normalized error at k",
                    margin,
                    noise,
                    NoiseSource::Bootstrap,
                    RESAMPLES as u32,
                ),
            })
        })
        .collect();
    let parts: Vec<String> = at
        .iter()
        .map(|a| {
            let others: Vec<String> = {
                let mut v: Vec<(&str, f64)> = methods
                    .iter()
                    .filter(|(m, _)| m != "zero" && m != "model")
                    .map(|(m, p)| {
                        (
                            m.as_str(),
                            mean(&errors_at(p, targets, points, a.k as usize, normalizer)),
                        )
                    })
                    .filter(|(_, e)| e.is_finite())
                    .collect();
                v.sort_by(|x, y| x.1.total_cmp(&y.1));
                v.iter()
                    .map(|(m, e)| format!("{} {e:.2}", label(m)))
                    .collect()
            };
            let rival = label(&a.rival);
            let e = &a.evidence;
            let verdict = match (a.lowest == "model", e.decided) {
                (true, true) => format!(
                    "the model is the lowest, {:.3} below {rival} (bootstrap error {:.3})",
                    e.margin, e.noise
                ),
                (false, true) => format!(
                    "{} is lower than the model by {:.3} (bootstrap error {:.3})",
                    label(&a.lowest),
                    e.margin,
                    e.noise
                ),
                _ => format!(
                    "the model and {rival} cannot be told apart ({:.3} apart, bootstrap error {:.3})",
                    e.margin, e.noise
                ),
            };
            format!(
                "with k = {} examples the model's error is {:.2}{}: {verdict}",
                a.k,
                a.model,
                if others.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", others.join(", "))
                }
            )
        })
        .collect();
    let zero = methods
        .iter()
        .find(|(m, _)| m == "zero")
        .map(|(_, p)| mean(&errors_at(p, targets, points, last, normalizer)));
    let statement = format!(
        "On this chart, {}.{}",
        parts.join("; "),
        zero.map_or(String::new(), |z| format!(
            " Always answering 0 scores {z:.2} at k = {last}."
        ))
    );
    Some(Reading { at, statement })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Targets 0; `errors` per method at every prompt and k come from predictions of ±√e.
    fn methods(
        spec: &[(&str, &dyn Fn(usize) -> f64)],
        batch: usize,
        points: usize,
    ) -> Vec<(String, Vec<f64>)> {
        spec.iter()
            .map(|(name, f)| {
                let preds = (0..batch * points)
                    .map(|i| f(i / points).sqrt() * if i.is_multiple_of(2) { 1.0 } else { -1.0 })
                    .collect();
                (name.to_string(), preds)
            })
            .collect()
    }

    #[test]
    fn a_clear_gap_is_decided_and_a_tie_is_not() {
        let (batch, points) = (400, 4);
        let targets = vec![0.0; batch * points];
        // the model is at 0.1, least squares at 0.5: decided; averaging at 0.1 ± noise: a tie
        let noisy = |b: usize| 0.1 + if b.is_multiple_of(2) { 0.02 } else { -0.02 };
        let ms = methods(
            &[
                ("model", &|_| 0.1),
                ("least_squares", &|_| 0.5),
                ("zero", &|_| 1.0),
            ],
            batch,
            points,
        );
        let r = read(&ms, &targets, points, 2, 1.0, |m| m.to_string(), 1).expect("reading");
        assert_eq!(r.at.len(), 2);
        assert_eq!((r.at[0].k, r.at[1].k), (2, 3));
        assert_eq!(r.at[0].lowest, "model");
        assert!(r.at[0].evidence.decided);
        assert!(
            r.statement.contains("the model is the lowest"),
            "{}",
            r.statement
        );
        assert!(
            r.statement
                .contains("Always answering 0 scores 1.00 at k = 3")
        );
        let tie = methods(&[("model", &|_| 0.1), ("averaging", &noisy)], batch, points);
        let r = read(&tie, &targets, points, 2, 1.0, |m| m.to_string(), 1).expect("reading");
        assert!(!r.at[0].evidence.decided, "{:?}", r.at[0].evidence);
        assert!(
            r.statement.contains("cannot be told apart"),
            "{}",
            r.statement
        );
        // a rival clearly lower
        let lower = methods(&[("model", &|_| 0.4), ("lasso", &|_| 0.1)], batch, points);
        let r = read(&lower, &targets, points, 2, 1.0, |m| m.to_string(), 1).expect("reading");
        assert_eq!(r.at[1].lowest, "lasso");
        assert!(
            r.statement
                .contains("lasso is lower than the model by 0.300"),
            "{}",
            r.statement
        );
        // no model: no reading
        assert!(read(&ms[1..], &targets, points, 2, 1.0, |m| m.to_string(), 1).is_none());
    }
}
