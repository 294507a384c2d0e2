//! Continual learning (shared/SCIENCE.md §3): task streams, strategies, replay buffers and the
//! metrics that judge them. This first part holds the metrics; streams and strategies build on it.

pub mod metrics;
