//! Task-incremental ("multi-head") stream: the same class groups as the split stream, but the task
//! identity is given at training and test time and each task has its own head — here the output
//! units of the task's classes, so a prediction is the best class *within* the task. Much easier
//! than class-incremental: the model never has to tell tasks apart (van de Ven & Tolias 2019).

use serde::{Deserialize, Serialize};

use super::class_incremental::{CLASSES_PER_TASK, split};
use super::{Scenario, Stream};
use crate::Result;
use crate::continual::data::Dataset;
use crate::schema::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TaskIncremental {
    /// Classes per task; must divide the number of classes. Default: 2.
    pub classes_per_task: u32,
}

impl Default for TaskIncremental {
    fn default() -> Self {
        Self {
            classes_per_task: 2,
        }
    }
}

impl Scenario for TaskIncremental {
    fn stream(&self, train: &Dataset, test: &Dataset, _seed: u64) -> Result<Stream> {
        Ok(Stream {
            multi_head: true,
            ..Stream::in_order(split(train, test, self.classes_per_task)?)
        })
    }

    fn title(&self) -> &'static str {
        "task-incremental"
    }

    fn description(&self) -> &'static str {
        "The same groups; the task is known, one head each"
    }

    fn fields(&self) -> &'static [Field] {
        &[CLASSES_PER_TASK]
    }
}
