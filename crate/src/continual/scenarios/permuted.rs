//! Domain-incremental stream with permuted inputs ("permuted MNIST", Goodfellow et al. 2013):
//! every task has every class, but task t shuffles the input features with its own fixed random
//! permutation (task 0 keeps the original order). The label space is shared; what changes is the
//! input distribution.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::{Scenario, Stream, Task};
use crate::continual::data::Dataset;
use crate::schema::Field;

/// Tasks of the domain-incremental scenarios (permuted, rotated).
pub const TASKS: Field = Field::int("tasks", 1, 400);
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Permuted {
    /// Number of tasks (1–20). Default: 4.
    pub tasks: u32,
}

impl Default for Permuted {
    fn default() -> Self {
        Self { tasks: 4 }
    }
}

impl Scenario for Permuted {
    /// Permuting two coordinates is a reflection at most: a stream of "new" tasks needs more.
    fn min_features(&self) -> usize {
        3
    }

    fn stream(&self, train: &Dataset, test: &Dataset, seed: u64) -> Result<Stream> {
        TASKS
            .check_u32(self.tasks)
            .map_err(|e| e.within("scenario"))?;
        if train.dim < self.min_features() {
            return Err(Error::invalid(
                "scenario.kind",
                format!(
                    "permuted inputs need more than 2 features (this dataset has {}): use the \
                     digits dataset, or the rotated scenario for 2-D points",
                    train.dim
                ),
            ));
        }
        let mut rng = StdRng::seed_from_u64(seed ^ 0x9E3_0001);
        let all: Vec<u32> = (0..train.classes as u32).collect();
        let tasks = (0..self.tasks)
            .map(|t| {
                let mut perm: Vec<usize> = (0..train.dim).collect();
                if t > 0 {
                    perm.shuffle(&mut rng);
                }
                let apply = |x: &[f32]| perm.iter().map(|&i| x[i]).collect::<Vec<f32>>();
                Task {
                    name: if t == 0 {
                        "original".into()
                    } else {
                        format!("permutation {t}")
                    },
                    classes: all.clone(),
                    train: train.map_inputs(apply),
                    test: test.map_inputs(apply),
                }
            })
            .collect();
        Ok(Stream::in_order(tasks))
    }

    fn title(&self) -> &'static str {
        "permuted inputs"
    }

    fn description(&self) -> &'static str {
        "Every class in every task; task t permutes the inputs"
    }

    fn fields(&self) -> &'static [Field] {
        &[TASKS]
    }
}
