//! Is emergent in-context learning transient here? (docs/SCIENCE.md §4; Singh et al. 2023.)
//! Transience is in-context learning that emerges and then fades as training goes on; only a run
//! where it emerged can show it.
//!
//! Rules, per run: the *peak* is the best mean in-context accuracy over a window of `w`
//! consecutive evaluations at or after the emergence step, the *late* value the mean over the last
//! `w` (w = a tenth of the run's evaluations, at least 1); the run *faded* when peak − late
//! exceeds `CLEAR` × its sampling error (the two accuracies' binomial errors on the evaluation
//! sequences, combined as if independent: the same sequences are scored every time, so this is
//! the cautious side). Over runs: transience is *seen* when every run that emerged faded, *not
//! seen* when none did. Weight decay is said to change something only when every seed shows the
//! change past its noise.

use serde::{Deserialize, Serialize};

use super::runs::Run;
use crate::finding::{Evidence, NoiseSource, binomial_se, clears, thousands};

/// One run's rise and (perhaps) fall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransienceRun {
    pub seed: u32,
    pub weight_decay: f64,
    pub emergence_step: Option<u32>,
    /// Evaluations averaged for the peak and the late value.
    pub window: u32,
    /// Steps between evaluations (the resolution of the emergence step).
    pub interval: u32,
    /// Best windowed in-context accuracy from the emergence step on (`null` if it never emerged).
    #[serde(with = "crate::finding::nullable")]
    #[cfg_attr(test, ts(type = "number | null"))]
    pub peak: f64,
    /// The step ending that best window.
    pub peak_step: u32,
    /// Mean in-context accuracy over the last window.
    pub late: f64,
    /// Mean in-weights accuracy over the last window (memorization).
    pub late_in_weights: f64,
    /// Mean training loss over the last window: how much gradient was left to drive a change.
    pub late_loss: f64,
    /// Margin: peak − late; decided = it faded.
    pub fade: Evidence,
}

/// What the runs show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TransienceOutcome {
    /// No run's in-context learning emerged: the runs say nothing about transience.
    NoEmergence,
    /// In-context learning emerged and faded in none of the runs.
    NotSeen,
    /// It faded in every run where it emerged.
    Seen,
    /// It faded in some runs and not in others.
    Mixed,
}

/// A change weight decay made, paired by seed against no weight decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DecayEffect {
    pub weight_decay: f64,
    pub quantity: Quantity,
    /// Per seed present in both: the quantity with this weight decay minus without.
    pub differences: Vec<f64>,
    /// Margin: the smallest |difference| when all have one sign (else 0); noise: the largest
    /// sampling error of a difference (accuracy) or the evaluation interval (emergence step).
    /// Decided = every seed shows the change.
    pub evidence: Evidence,
    pub statement: String,
}

/// What a weight-decay effect compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Mean in-context accuracy over the last window.
    LateInContext,
    /// The step at which in-context learning emerged.
    EmergenceStep,
}

/// The transience finding over a set of runs of one setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Transience {
    pub classes: u32,
    pub burstiness: u32,
    pub noise: f64,
    pub runs: Vec<TransienceRun>,
    pub outcome: TransienceOutcome,
    pub statement: String,
    pub weight_decay: Vec<DecayEffect>,
}

/// Mean of `f` over `points`.
fn window_mean(points: &[super::runs::Point], f: impl Fn(&super::runs::Point) -> f64) -> f64 {
    points.iter().map(f).sum::<f64>() / points.len().max(1) as f64
}

impl TransienceRun {
    pub fn of(run: &Run) -> Self {
        let curve = &run.curve;
        let window = (curve.len() / 10).max(1);
        let tail = &curve[curve.len().saturating_sub(window)..];
        let late = window_mean(tail, |p| p.in_context);
        let late_in_weights = window_mean(tail, |p| p.in_weights);
        let late_loss = window_mean(tail, |p| p.loss);
        let emergence_step = run.emergence();
        let from = emergence_step.and_then(|s| curve.iter().position(|p| p.step >= s));
        let (peak, peak_step) = match from {
            Some(i) if curve.len() >= i + window => (i..=curve.len() - window)
                .map(|j| {
                    let w = &curve[j..j + window];
                    (window_mean(w, |p| p.in_context), w[window - 1].step)
                })
                .fold(
                    (f64::NEG_INFINITY, 0),
                    |best, x| {
                        if x.0 > best.0 { x } else { best }
                    },
                ),
            Some(i) => (curve[i].in_context, curve[i].step),
            None => (f64::NAN, 0),
        };
        let noise = binomial_se(peak, run.prompts).hypot(binomial_se(late, run.prompts));
        Self {
            seed: run.seed,
            weight_decay: run.weight_decay,
            emergence_step,
            window: window as u32,
            interval: match curve.as_slice() {
                [a, b, ..] => b.step - a.step,
                [a] => a.step,
                [] => 0,
            },
            peak,
            peak_step,
            late,
            late_in_weights,
            late_loss,
            fade: Evidence::against_noise(
                "peak − late in-context accuracy (windowed means)",
                peak - late,
                noise,
                NoiseSource::Binomial,
                run.prompts,
            ),
        }
    }
}

/// "0.06" or "0.05–0.07".
fn range_text(values: &[f64], digits: usize) -> String {
    let (lo, hi) = crate::finding::min_max(values);
    if (hi - lo).abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        format!("{lo:.digits$}")
    } else {
        format!("{lo:.digits$}–{hi:.digits$}")
    }
}

fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Transience {
    /// One finding per setting (ε, B, K) of `runs`, sorted by ε, B and K.
    pub fn per_setting(runs: &[Run]) -> Vec<Self> {
        let mut keys: Vec<(f64, u32, u32)> = runs
            .iter()
            .map(|r| (r.noise, r.burstiness, r.classes))
            .collect();
        keys.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let group: Vec<Run> = runs
                    .iter()
                    .filter(|r| (r.noise, r.burstiness, r.classes) == k)
                    .cloned()
                    .collect();
                Self::of(&group)
            })
            .collect()
    }

    /// The finding over `runs` (one setting: seeds × weight decays).
    pub fn of(runs: &[Run]) -> Self {
        let mut sorted: Vec<&Run> = runs.iter().collect();
        sorted.sort_by(|a, b| {
            a.weight_decay
                .total_cmp(&b.weight_decay)
                .then(a.seed.cmp(&b.seed))
        });
        let each: Vec<TransienceRun> = sorted.iter().map(|r| TransienceRun::of(r)).collect();
        let emerged: Vec<&TransienceRun> =
            each.iter().filter(|r| r.emergence_step.is_some()).collect();
        let faded = emerged.iter().filter(|r| r.fade.decided).count();
        let outcome = match (emerged.len(), faded) {
            (0, _) => TransienceOutcome::NoEmergence,
            (_, 0) => TransienceOutcome::NotSeen,
            (n, f) if f == n => TransienceOutcome::Seen,
            _ => TransienceOutcome::Mixed,
        };
        let first = sorted.first();
        let setting = first.map_or(String::new(), |r| {
            let mut decays: Vec<f64> = sorted.iter().map(|r| r.weight_decay).collect();
            decays.dedup();
            let decays: Vec<String> = decays.into_iter().map(decay_text).collect();
            let mut seeds: Vec<u32> = sorted.iter().map(|r| r.seed).collect();
            seeds.sort_unstable();
            seeds.dedup();
            format!(
                "K = {}, B = {}, ε = {}, {} steps, seeds {}, weight decay {}",
                thousands(r.classes),
                r.burstiness,
                r.noise,
                thousands(sorted.iter().map(|r| r.steps).max().unwrap_or(0)),
                seeds
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                decays.join(", ")
            )
        });
        // the run with the largest drop, and that run's own noise
        let (largest, noise) = emerged.iter().map(|r| (r.fade.margin, r.fade.noise)).fold(
            (f64::NEG_INFINITY, f64::NAN),
            |best, x| {
                if x.0 > best.0 { x } else { best }
            },
        );
        let statement = match outcome {
            TransienceOutcome::NoEmergence => format!(
                "In-context learning never emerged in these {} runs ({setting}), so they cannot show transience.",
                each.len()
            ),
            TransienceOutcome::NotSeen => format!(
                "Transience was not seen at this scale: in-context learning emerged in {} of {} runs ({setting}) and faded in none — the largest drop from its peak to the end was {:.3} (windowed means), under twice its sampling error ({:.3}); late in-weights accuracy {}, late training loss {}.",
                emerged.len(),
                each.len(),
                largest.max(0.0),
                noise,
                range_text(
                    &emerged
                        .iter()
                        .map(|r| r.late_in_weights)
                        .collect::<Vec<_>>(),
                    2
                ),
                range_text(&emerged.iter().map(|r| r.late_loss).collect::<Vec<_>>(), 4),
            ),
            TransienceOutcome::Seen => format!(
                "In-context learning was transient: it emerged and then faded in every one of the {} runs where it emerged ({setting}), from peaks of {} to {} at the end.",
                emerged.len(),
                list(&emerged.iter().map(|r| r.peak).collect::<Vec<_>>()),
                list(&emerged.iter().map(|r| r.late).collect::<Vec<_>>())
            ),
            TransienceOutcome::Mixed => format!(
                "In-context learning faded in {faded} of the {} runs where it emerged ({setting}) and held in the others: the seeds do not agree on transience.",
                emerged.len()
            ),
        };
        Self {
            classes: first.map_or(0, |r| r.classes),
            burstiness: first.map_or(0, |r| r.burstiness),
            noise: first.map_or(f64::NAN, |r| r.noise),
            weight_decay: decay_effects(&each),
            runs: each,
            outcome,
            statement,
        }
    }
}

/// "0.0001", "0.001", "0": a weight decay as written on the command line.
fn decay_text(wd: f64) -> String {
    format!("{wd}")
}

/// One weight decay's paired changes of one quantity, as a finding.
fn effect(
    weight_decay: f64,
    quantity: Quantity,
    differences: Vec<f64>,
    noise: f64,
    samples: u32,
    digits: usize,
) -> DecayEffect {
    let same_sign = !differences.is_empty()
        && (differences.iter().all(|d| *d > 0.0) || differences.iter().all(|d| *d < 0.0));
    let margin = if same_sign {
        differences
            .iter()
            .map(|d| d.abs())
            .fold(f64::INFINITY, f64::min)
    } else {
        0.0
    };
    let source = match quantity {
        Quantity::LateInContext => NoiseSource::Binomial,
        Quantity::EmergenceStep => NoiseSource::EvaluationInterval,
    };
    let evidence = Evidence::against_noise(
        "the smallest change over seeds with this weight decay against without (0 when the seeds disagree on its sign)",
        margin,
        noise,
        source,
        samples,
    );
    let list = differences
        .iter()
        .map(|&d| {
            // no "-0.000": a change below the shown precision is 0
            let d = if d.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
                0.0
            } else {
                d
            };
            if digits == 0 {
                format!("{d:+.0}")
            } else {
                format!("{d:+.digits$}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let (what, up, down) = match quantity {
        Quantity::LateInContext => ("late in-context accuracy", "higher", "lower"),
        Quantity::EmergenceStep => ("the emergence step", "later", "earlier"),
    };
    let wd = decay_text(weight_decay);
    let way = if differences.first().is_some_and(|d| *d > 0.0) {
        up
    } else {
        down
    };
    let statement = if differences.iter().all(|d| *d == 0.0) {
        format!("With weight decay {wd}, {what} did not change in any seed.")
    } else if differences.iter().any(|d| *d > 0.0) && differences.iter().any(|d| *d < 0.0) {
        format!(
            "With weight decay {wd}, {what} changed by {list} against without: the seeds do not agree on its direction."
        )
    } else if !same_sign {
        format!(
            "With weight decay {wd}, {what} changed by {list} against without: in some seeds only."
        )
    } else if clears(margin, noise) {
        format!(
            "With weight decay {wd}, {what} was {way} in every seed ({list} against without), past twice its noise ({noise:.digits$})."
        )
    } else {
        format!(
            "With weight decay {wd}, {what} was {way} in every seed ({list} against without), but the smallest change is within twice its noise ({noise:.digits$}): not a change the seeds show clearly."
        )
    };
    DecayEffect {
        weight_decay,
        quantity,
        differences,
        evidence,
        statement,
    }
}

/// Per weight decay > 0, paired by seed against no weight decay: the change of late in-context
/// accuracy (noise: the binomial error of the difference) and of the emergence step (noise: the
/// interval between evaluations; only seeds that emerged under both).
fn decay_effects(runs: &[TransienceRun]) -> Vec<DecayEffect> {
    let mut decays: Vec<f64> = runs
        .iter()
        .map(|r| r.weight_decay)
        .filter(|w| *w > 0.0)
        .collect();
    decays.sort_by(f64::total_cmp);
    decays.dedup();
    let plain: Vec<&TransienceRun> = runs.iter().filter(|r| r.weight_decay == 0.0).collect();
    decays
        .into_iter()
        .flat_map(|wd| {
            let pairs: Vec<(&TransienceRun, &TransienceRun)> = runs
                .iter()
                .filter(|r| r.weight_decay == wd)
                .filter_map(|r| plain.iter().find(|p| p.seed == r.seed).map(|p| (*p, r)))
                .collect();
            if pairs.is_empty() {
                return vec![];
            }
            let samples = pairs.first().map_or(0, |(p, _)| p.fade.samples);
            let late = effect(
                wd,
                Quantity::LateInContext,
                pairs.iter().map(|(p, r)| r.late - p.late).collect(),
                pairs
                    .iter()
                    .map(|(p, r)| binomial_se(p.late, samples).hypot(binomial_se(r.late, samples)))
                    .fold(0.0, f64::max),
                samples,
                3,
            );
            let emerged: Vec<f64> = pairs
                .iter()
                .filter_map(|(p, r)| {
                    Some(f64::from(r.emergence_step?) - f64::from(p.emergence_step?))
                })
                .collect();
            let interval = pairs
                .iter()
                .map(|(p, _)| f64::from(p.interval))
                .fold(0.0, f64::max);
            let mut out = vec![late];
            if !emerged.is_empty() {
                out.push(effect(
                    wd,
                    Quantity::EmergenceStep,
                    emerged,
                    interval,
                    pairs.len() as u32,
                    0,
                ));
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests;
