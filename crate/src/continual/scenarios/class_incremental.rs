//! Class-incremental ("split") stream: the classes are cut into consecutive groups, one task per
//! group; a single head predicts among all classes and is never told the task.

use super::{Scenario, Task};
use crate::continual::data::Dataset;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassIncremental {
    pub classes_per_task: usize,
}

impl Scenario for ClassIncremental {
    fn tasks(&self, train: &Dataset, test: &Dataset) -> Result<Vec<Task>> {
        let k = self.classes_per_task;
        if k == 0 || k > train.classes || !train.classes.is_multiple_of(k) {
            return Err(Error::invalid(
                "classesPerTask",
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
}
