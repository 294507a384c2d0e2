//! The learning-rate schedule, the reporting and evaluation cadence, the training clock and the
//! training report (the optimizer is burn's Adam, built in `session.rs`).

pub mod cadence;
pub mod clock;
pub mod schedule;

use serde::{Deserialize, Serialize};

use crate::device::{DeviceInfo, DeviceKind};
use crate::schema::Field;
use crate::{Error, Result};

/// Steps one `train` call may run; the most keeps a call short enough to pause promptly.
pub const TRAIN_STEPS: Field = Field::int("steps", 1, 100_000);
/// The most training steps a model may have behind it: a checkpoint claiming more is refused and
/// training stops there, so the step counter never wraps (a u32 would at 4.29 billion).
pub const MAX_STEP: u32 = 1_000_000_000;

/// Refuses `steps` more steps of a model at `step` when they would pass [`MAX_STEP`].
pub(crate) fn check_room(step: u32, steps: u32) -> Result<()> {
    match step.checked_add(steps) {
        Some(end) if end <= MAX_STEP => Ok(()),
        _ => Err(Error::invalid(
            "steps",
            format!("the model is at step {step}; training stops at step {MAX_STEP}"),
        )),
    }
}

/// One report per `train(n)` call: everything is a plain number, read back once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Steps trained so far in this session.
    pub step: u32,
    /// Mean training loss (all-prefix MSE) over the steps since the previous report.
    pub loss: f64,
    /// `loss` divided by the zero estimator's expected loss, so 1 means "learned nothing".
    pub normalized_loss: f64,
    /// Active input dimensions (curriculum) at the last step.
    pub active_dims: u32,
    /// Prompt pairs (curriculum) at the last step.
    pub points: u32,
    /// Learning rate of the last step.
    pub learning_rate: f64,
    /// What runs.
    pub device: DeviceKind,
    /// Milliseconds spent training in this session so far (excludes time between calls).
    pub elapsed_ms: f64,
    /// Steps per second over this report's steps.
    pub steps_per_second: f64,
    /// Full device details; present on the session's first report only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub device_info: Option<DeviceInfo>,
}
