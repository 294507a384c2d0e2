//! Continual learning (shared/SCIENCE.md §3): datasets, task streams, strategies and the metrics
//! that judge them. So far: the metrics, 2-D datasets and the nearest-class-mean learner; streams,
//! strategies and the MLP backbone build on these.

pub mod data;
pub mod metrics;
pub mod ncm;
pub mod two_d;
