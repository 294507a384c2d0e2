//! Continual learning (shared/SCIENCE.md §3): datasets, task streams, strategies and the metrics
//! that judge them. So far: the metrics, 2-D datasets, the class-incremental stream, Naive and
//! Replay on an MLP with continual evaluation, and the nearest-class-mean learner.

pub mod data;
pub mod metrics;
pub mod ncm;
pub mod run;
pub mod scenarios;
pub mod strategies;
pub mod two_d;
