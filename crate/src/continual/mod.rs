//! Continual learning (docs/SCIENCE.md §3): datasets, task streams (scenarios), strategies
//! for networks, prototype and analytic learners, the metrics that judge them, and the run that
//! ties them together with continual evaluation.

pub mod data;
pub mod digits;
pub mod learners;
pub mod memory;
pub mod metrics;
pub mod plasticity;
pub mod run;
pub mod scenarios;
pub mod strategies;
pub mod table;
pub mod two_d;
