//! Class-incremental ("split") stream: the classes are cut into consecutive groups, one task per
//! group; a single head predicts among all classes and is never told the task.

use serde::{Deserialize, Serialize};

use super::{Scenario, Stream, Task};
use crate::continual::data::Dataset;
use crate::schema::Field;
use crate::{Error, Result};

/// Classes per task of the split-based scenarios; it must also divide the number of classes.
pub const CLASSES_PER_TASK: Field = Field::int("classesPerTask", 1, 10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClassIncremental {
    /// Classes per task; must divide the number of classes. Default: 2.
    pub classes_per_task: u32,
}

impl Default for ClassIncremental {
    fn default() -> Self {
        Self {
            classes_per_task: 2,
        }
    }
}

/// The class groups as tasks (shared by the split-based scenarios).
pub(crate) fn split(train: &Dataset, test: &Dataset, per_task: u32) -> Result<Vec<Task>> {
    CLASSES_PER_TASK
        .check_u32(per_task)
        .map_err(|e| e.within("scenario"))?;
    let k = per_task as usize;
    if k == 0 || k > train.classes || !train.classes.is_multiple_of(k) {
        return Err(Error::invalid(
            "scenario.classesPerTask",
            format!("must divide the {} classes, got {k}", train.classes),
        ));
    }
    Ok((0..train.classes / k)
        .map(|t| {
            let classes: Vec<u32> = ((t * k) as u32..((t + 1) * k) as u32).collect();
            Task {
                name: format!("classes {classes:?}"),
                train: train.with_classes(&classes),
                test: test.with_classes(&classes),
                classes,
            }
        })
        .collect())
}

impl Scenario for ClassIncremental {
    fn stream(&self, train: &Dataset, test: &Dataset, _seed: u64) -> Result<Stream> {
        Ok(Stream::in_order(split(train, test, self.classes_per_task)?))
    }

    fn title(&self) -> &'static str {
        "class-incremental"
    }

    fn description(&self) -> &'static str {
        "Classes in groups, one task each, one shared head"
    }

    fn fields(&self) -> &'static [Field] {
        &[CLASSES_PER_TASK]
    }
}
