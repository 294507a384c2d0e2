//! Task streams. Each scenario is one file implementing [`Scenario`]: it cuts a dataset's train
//! and test splits into a sequence of tasks.

pub mod class_incremental;

use super::data::Dataset;
use crate::Result;

pub use class_incremental::ClassIncremental;

/// One task of a stream: its training data and the test subset it is evaluated on.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: String,
    /// Classes the task contains.
    pub classes: Vec<u32>,
    pub train: Dataset,
    pub test: Dataset,
}

pub trait Scenario {
    /// The tasks, in training order.
    fn tasks(&self, train: &Dataset, test: &Dataset) -> Result<Vec<Task>>;
}
