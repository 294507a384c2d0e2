//! Task streams. Each scenario is one file implementing [`Scenario`]: it cuts a dataset's train
//! and test splits into tasks and says in which order training visits them. The config is
//! [`ScenarioConfig`], tagged by `kind` (JS and CLI schema).

pub mod blurry;
pub mod class_incremental;
pub mod permuted;
pub mod reoccurring;
pub mod rotated;
pub mod task_incremental;

use serde::{Deserialize, Serialize};

use super::data::Dataset;
use crate::Result;
use crate::schema::Field;

pub use blurry::Blurry;
pub use class_incremental::ClassIncremental;
pub use permuted::Permuted;
pub use reoccurring::{Reoccurring, Schedule};
pub use rotated::Rotated;
pub use task_incremental::TaskIncremental;

/// One task of a stream: its training data and the test subset it is evaluated on.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: String,
    /// Classes the task is evaluated on (and, multi-head, the only ones it may predict).
    pub classes: Vec<u32>,
    pub train: Dataset,
    pub test: Dataset,
}

/// What a scenario produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The distinct tasks; every one is evaluated at every evaluation point.
    pub tasks: Vec<Task>,
    /// Training segments in order, as indices into `tasks`; a task may come back.
    pub order: Vec<usize>,
    /// Task-incremental: the task is known at training and test time and a prediction is the
    /// best class among the task's own (one head per task).
    pub multi_head: bool,
}

impl Stream {
    /// Each task once, in order, one shared head.
    pub fn in_order(tasks: Vec<Task>) -> Self {
        Self {
            order: (0..tasks.len()).collect(),
            tasks,
            multi_head: false,
        }
    }

    /// Segment at which each task is trained for the first time.
    pub fn first_seen(&self) -> Vec<usize> {
        (0..self.tasks.len())
            .map(|t| {
                self.order
                    .iter()
                    .position(|&o| o == t)
                    .unwrap_or(self.order.len())
            })
            .collect()
    }
}

pub trait Scenario {
    /// The tasks and the order in which training visits them; `seed` drives anything random
    /// (permutations, blurred examples, revisit draws).
    fn stream(&self, train: &Dataset, test: &Dataset, seed: u64) -> Result<Stream>;

    /// Its short name in menus ("class-incremental").
    fn title(&self) -> &'static str;

    /// One line explaining it.
    fn description(&self) -> &'static str;

    /// The numbers its config holds, with their bounds (for the catalog; `stream` checks them).
    fn fields(&self) -> &'static [Field] {
        &[]
    }

    /// The fewest input features a dataset needs for this stream (`stream` refuses fewer; the
    /// catalog lists it so a page offers the stream only with a dataset that fits).
    fn min_features(&self) -> usize {
        1
    }
}

/// Which scenario, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScenarioConfig {
    ClassIncremental(ClassIncremental),
    TaskIncremental(TaskIncremental),
    Permuted(Permuted),
    Rotated(Rotated),
    Blurry(Blurry),
    Reoccurring(Reoccurring),
}

impl Default for ScenarioConfig {
    fn default() -> Self {
        Self::ClassIncremental(ClassIncremental::default())
    }
}

impl ScenarioConfig {
    /// Every scenario with its default settings, in menu order.
    pub fn all() -> [Self; 6] {
        [
            Self::ClassIncremental(ClassIncremental::default()),
            Self::TaskIncremental(TaskIncremental::default()),
            Self::Permuted(Permuted::default()),
            Self::Rotated(Rotated::default()),
            Self::Blurry(Blurry::default()),
            Self::Reoccurring(Reoccurring::default()),
        ]
    }

    pub fn scenario(&self) -> &dyn Scenario {
        match self {
            Self::ClassIncremental(s) => s,
            Self::TaskIncremental(s) => s,
            Self::Permuted(s) => s,
            Self::Rotated(s) => s,
            Self::Blurry(s) => s,
            Self::Reoccurring(s) => s,
        }
    }
}
