//! Where one model sits between dMMSE and ridge: its projection on the line between them, in
//! units of their own distance, and its distance off that line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;

/// Where one model sits between dMMSE and ridge on one set of prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// dMMSE's distance to ridge: the yardstick.
    pub span: f64,
    /// The model's distance to dMMSE and to ridge.
    pub to_dmmse: f64,
    pub to_ridge: f64,
    /// 0 = dMMSE, 1 = ridge: the projection onto the segment between them (may fall outside
    /// [0, 1] when the model is beyond one of them).
    pub fraction: f64,
    /// Squared distance off that segment, in the same units (0: on the line through them).
    pub off_line: f64,
    /// The numbers in words, for a page or the CLI to show as they are.
    pub description: String,
}

impl Position {
    /// From the three squared distances; `None` when dMMSE and ridge coincide (s = 0: no yardstick).
    pub fn of(to_dmmse: f64, to_ridge: f64, span: f64) -> Option<Self> {
        if !(span > 0.0 && to_dmmse.is_finite() && to_ridge.is_finite()) {
            return None;
        }
        let fraction = (to_dmmse - to_ridge + span) / (2.0 * span);
        let off_line = (to_dmmse - fraction * fraction * span).max(0.0);
        Some(Self {
            span,
            to_dmmse,
            to_ridge,
            fraction,
            off_line,
            // "0.31 of the way from dMMSE (0) to ridge (1), 0.054 off the line between them; …"
            description: format!(
                "{fraction:.2} of the way from dMMSE (0) to ridge (1), {off_line:.3} off the line between them; dMMSE and ridge are themselves {span:.3} apart on these prompts"
            ),
        })
    }
}

/// Mean of a per-k curve.
fn mean_over_k(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The memorizing solution a model of few tasks sits near: dMMSE, Bayes-optimal for its pool.
pub const MEMORIZING: BaselineKind = BaselineKind::Dmmse;
/// The learning solution a model of many tasks sits near: ridge with λ = σ², Bayes-optimal for
/// a fresh task.
pub const LEARNING: BaselineKind = BaselineKind::BayesRidge;

/// The position of an evaluation's model, when it was compared with both dMMSE and ridge:
/// distances averaged over k (Raventós et al.'s Eq. 4 averages the per-position distance).
pub fn position_of(
    distances: &BTreeMap<String, Vec<f64>>,
    dmmse_to_ridge: Option<&[f64]>,
) -> Option<Position> {
    let a = mean_over_k(distances.get(MEMORIZING.name())?);
    let b = mean_over_k(distances.get(LEARNING.name())?);
    Position::of(a, b, mean_over_k(dmmse_to_ridge?))
}
