//! Learners that are not a classifier trained by gradient steps: prototype learners (nearest
//! class mean, streaming LDA) and the analytic head, each one file, all on host memory in f64.
//! They read the stream once, batch by batch, on raw inputs or on an embedding (a frozen random
//! network, or one trained on the first task); the prototypical network, which *is* trained by
//! gradient steps, is in [`protonet`].

pub mod analytic;
pub mod ncm;
pub mod protonet;
pub mod slda;

use super::data::Dataset;
use crate::{Error, Result};

pub use analytic::AnalyticHead;
pub use ncm::NearestClassMean;
pub use protonet::Prototypes;
pub use slda::StreamingLda;

/// The error of a merge between learners of different shapes (`(dimensions, classes)` each).
fn shape_mismatch(what: &str, ours: (usize, usize), theirs: (usize, usize)) -> Error {
    Error::invalid(
        "merge",
        format!(
            "{what} of {} dimensions and {} classes cannot take one of {} dimensions and {} classes",
            ours.0, ours.1, theirs.0, theirs.1
        ),
    )
}

pub trait HostLearner {
    fn name(&self) -> &'static str;
    /// Learns from every example of `batch`, in order.
    fn observe(&mut self, batch: &Dataset) -> Result<()>;
    /// One score per class for every row of `data` (`[n, classes]`, row-major), higher is
    /// better; −∞ for classes it cannot predict.
    fn scores(&self, data: &Dataset) -> Vec<f64>;

    /// Forgets class `c` exactly, if this learner can.
    fn unlearn(&mut self, _c: usize) -> Result<()> {
        Err(Error::invalid(
            "strategy",
            format!(
                "{} cannot unlearn a class; the analytic head can",
                self.name()
            ),
        ))
    }
}
