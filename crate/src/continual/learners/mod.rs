//! Learners that are not a classifier trained by gradient steps: prototype learners (nearest
//! class mean, streaming LDA) and the analytic head, each one file, all on host memory in f64.
//! They read the stream once, batch by batch, on raw inputs or on an embedding (a frozen random
//! network, or one trained on the first task); the prototypical network, which *is* trained by
//! gradient steps, is in [`protonet`].

pub mod analytic;
pub mod ncm;
pub mod protonet;
pub mod slda;

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};

use super::data::Dataset;
use crate::{Error, Result};

/// A learner's state as named arrays (shape, values row by row): what a saved learner file holds
/// for it ([`crate::continual::run::file`]).
pub type State = BTreeMap<String, (Vec<usize>, Vec<f64>)>;

/// Reads the array `name` of `shape` from `state`, or says which is missing or misshapen.
pub fn take<'a>(state: &'a State, name: &str, shape: &[usize]) -> Result<&'a [f64]> {
    match state.get(name) {
        None => Err(Error::checkpoint(format!("`{name}` is missing"))),
        Some((s, _)) if s != shape => Err(Error::checkpoint(format!(
            "`{name}` has shape {s:?}, this learner needs {shape:?}"
        ))),
        Some((_, values)) => Ok(values),
    }
}

/// A matrix as a state entry, row by row.
pub fn matrix_entry(m: &DMatrix<f64>) -> (Vec<usize>, Vec<f64>) {
    (
        vec![m.nrows(), m.ncols()],
        m.transpose().as_slice().to_vec(),
    )
}

/// The matrix `name` of `rows × cols` from `state`.
pub fn take_matrix(state: &State, name: &str, rows: usize, cols: usize) -> Result<DMatrix<f64>> {
    Ok(DMatrix::from_row_slice(
        rows,
        cols,
        take(state, name, &[rows, cols])?,
    ))
}

/// Rows of vectors as one `[n, len]` entry.
pub fn rows_entry(rows: &[DVector<f64>], len: usize) -> (Vec<usize>, Vec<f64>) {
    let values = rows.iter().flat_map(|v| v.iter().copied()).collect();
    (vec![rows.len(), len], values)
}

/// Counts (or flags) as one entry.
pub fn counts_entry(counts: impl IntoIterator<Item = f64>) -> (Vec<usize>, Vec<f64>) {
    let values: Vec<f64> = counts.into_iter().collect();
    (vec![values.len()], values)
}

/// Whole non-negative counts back from a state entry.
pub fn take_counts(state: &State, name: &str, n: usize) -> Result<Vec<u64>> {
    take(state, name, &[n])?
        .iter()
        .map(|&c| {
            if c >= 0.0 && c.fract() == 0.0 && c < 9e15 {
                Ok(c as u64)
            } else {
                Err(Error::checkpoint(format!(
                    "`{name}` holds {c}, not a count"
                )))
            }
        })
        .collect()
}

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

    /// Everything it has learned, as named arrays.
    fn export(&self) -> State;
    /// Takes the state [`Self::export`] wrote for a learner of the same shape; a state of another
    /// shape is an error and changes nothing.
    fn import(&mut self, state: &State) -> Result<()>;

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
