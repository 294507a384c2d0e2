//! Class-incremental stream with blurry task boundaries (Aljundi et al. 2019; "blurry-M" of
//! Bang et al. 2021): each task is mostly its own classes, but a fraction `blur` of every class's
//! training examples is moved to other tasks (uniformly), so classes leak across boundaries and
//! a class is never seen only once. Test subsets stay the tasks' own classes.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::class_incremental::{CLASSES_PER_TASK, split};
use super::{Scenario, Stream};
use crate::continual::data::Dataset;
use crate::schema::Field;

const BLUR: Field = Field::real("blur", 0.0, 1.0);
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Blurry {
    /// Classes per task; must divide the number of classes. Default: 2.
    pub classes_per_task: u32,
    /// Fraction of each task's training examples moved to other tasks (0–1). Default: 0.1.
    pub blur: f64,
}

impl Default for Blurry {
    fn default() -> Self {
        Self {
            classes_per_task: 2,
            blur: 0.1,
        }
    }
}

impl Scenario for Blurry {
    fn stream(&self, train: &Dataset, test: &Dataset, seed: u64) -> Result<Stream> {
        BLUR.check(self.blur).map_err(|e| e.within("scenario"))?;
        let mut tasks = split(train, test, self.classes_per_task)?;
        let n = tasks.len();
        if n < 2 {
            return Ok(Stream::in_order(tasks));
        }
        let mut rng = StdRng::seed_from_u64(seed ^ 0xB1_0221);
        let mut kept: Vec<Dataset> = tasks.iter().map(|t| t.train.empty_like()).collect();
        let mut moved: Vec<Dataset> = kept.clone();
        for (t, task) in tasks.iter().enumerate() {
            for i in 0..task.train.len() {
                let row = task.train.rows(&[i]);
                if rng.random::<f64>() < self.blur {
                    // to one of the other tasks, uniformly
                    let mut other = rng.random_range(0..n - 1);
                    if other >= t {
                        other += 1;
                    }
                    moved[other].extend(&row);
                } else {
                    kept[t].extend(&row);
                }
            }
        }
        for ((task, mut own), extra) in tasks.iter_mut().zip(kept).zip(moved) {
            own.extend(&extra);
            task.train = own;
            task.name = format!("{} (blurry)", task.name);
        }
        Ok(Stream::in_order(tasks))
    }

    fn title(&self) -> &'static str {
        "blurry boundaries"
    }

    fn description(&self) -> &'static str {
        "Class-incremental with a share of each task in others"
    }

    fn fields(&self) -> &'static [Field] {
        &[CLASSES_PER_TASK, BLUR]
    }
}
