//! Naive fine-tuning: train on each task in turn with nothing to protect earlier ones — the
//! lower bound that shows catastrophic forgetting.

use super::Strategy;

#[derive(Debug, Default, Clone, Copy)]
pub struct Naive;

impl Strategy for Naive {}
