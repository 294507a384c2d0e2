//! Class-incremental stream whose tasks come back. The class groups are introduced in order at
//! evenly spaced segments; every other segment revisits a task already seen, chosen by the
//! schedule:
//! - `cycle`: the least recently seen task (round robin);
//! - `power_law`: task j with probability ∝ (s − last_j)^(−exponent), s the segment and last_j
//!   the segment task j was last trained on — recently seen tasks come back most, as in
//!   naturalistic environments where the chance of meeting something again decays as a power law
//!   of the time since it was last met (Anderson & Schooler 1991; "Catastrophic Interference is
//!   Mitigated in Naturalistic Power-Law Learning Environments").

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::class_incremental::{CLASSES_PER_TASK, split};
use super::{Scenario, Stream};
use crate::continual::data::Dataset;
use crate::schema::Field;
use crate::{Error, Result};

const SEGMENTS: Field = Field::int("segments", 1, 200);
const EXPONENT: Field = Field::real("exponent", 0.0, 5.0);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Cycle,
    #[default]
    PowerLaw,
}

impl Schedule {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Cycle => "cycle (least recent)",
            Self::PowerLaw => "power law (recent more often)",
        }
    }

    pub const ALL: [Self; 2] = [Self::Cycle, Self::PowerLaw];
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Reoccurring {
    /// Classes per task; must divide the number of classes. Default: 2.
    pub classes_per_task: u32,
    /// Training segments in all, at least the number of tasks (≤ 200). Default: 8.
    pub segments: u32,
    pub schedule: Schedule,
    /// Power-law exponent (0–5). Default: 1.
    pub exponent: f64,
}

impl Default for Reoccurring {
    fn default() -> Self {
        Self {
            classes_per_task: 2,
            segments: 8,
            schedule: Schedule::PowerLaw,
            exponent: 1.0,
        }
    }
}

impl Reoccurring {
    /// The segment order for `tasks` tasks.
    pub fn order(&self, tasks: usize, seed: u64) -> Result<Vec<usize>> {
        let segments = self.segments as usize;
        SEGMENTS
            .check_u32(self.segments)
            .map_err(|e| e.within("scenario"))?;
        if segments < tasks {
            return Err(Error::invalid(
                "scenario.segments",
                format!("must be at least the number of tasks ({tasks}), got {segments}"),
            ));
        }
        EXPONENT
            .check(self.exponent)
            .map_err(|e| e.within("scenario"))?;
        let mut rng = StdRng::seed_from_u64(seed ^ 0x2E0C_C002);
        let mut last = vec![0usize; tasks];
        let mut order = Vec::with_capacity(segments);
        let mut next_new = 0;
        for s in 0..segments {
            // task i is introduced at segment ⌊i · segments / tasks⌋
            let t = if next_new < tasks && s >= next_new * segments / tasks {
                next_new += 1;
                next_new - 1
            } else {
                match self.schedule {
                    Schedule::Cycle => (0..next_new).min_by_key(|&j| last[j]).unwrap_or(0),
                    Schedule::PowerLaw => {
                        let w: Vec<f64> = (0..next_new)
                            .map(|j| ((s - last[j]) as f64).powf(-self.exponent))
                            .collect();
                        let mut u = rng.random::<f64>() * w.iter().sum::<f64>();
                        let mut pick = next_new - 1;
                        for (j, wj) in w.iter().enumerate() {
                            if u < *wj {
                                pick = j;
                                break;
                            }
                            u -= wj;
                        }
                        pick
                    }
                }
            };
            last[t] = s;
            order.push(t);
        }
        Ok(order)
    }
}

impl Scenario for Reoccurring {
    fn stream(&self, train: &Dataset, test: &Dataset, seed: u64) -> Result<Stream> {
        let tasks = split(train, test, self.classes_per_task)?;
        let order = self.order(tasks.len(), seed)?;
        Ok(Stream {
            tasks,
            order,
            multi_head: false,
        })
    }

    fn title(&self) -> &'static str {
        "re-occurring tasks"
    }

    fn description(&self) -> &'static str {
        "Tasks come back, by a power law or in a cycle"
    }

    fn fields(&self) -> &'static [Field] {
        &[CLASSES_PER_TASK, SEGMENTS, EXPONENT]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_introduce_every_task_in_order_then_revisit() {
        let cycle = Reoccurring {
            schedule: Schedule::Cycle,
            segments: 9,
            ..Reoccurring::default()
        };
        assert_eq!(
            cycle.order(3, 0).expect("order"),
            [0, 0, 0, 1, 0, 1, 2, 0, 1]
        );
        // Power law with two tasks: once task 1 arrives (segment 100), task 0 still comes back.
        let pl = Reoccurring {
            segments: 200,
            ..Reoccurring::default()
        };
        let order = pl.order(2, 7).expect("order");
        assert_eq!(order[0], 0);
        assert_eq!(order[100], 1);
        assert!(order.iter().filter(|&&t| t == 0).count() > 1);
        assert!(
            Reoccurring {
                segments: 2,
                ..Reoccurring::default()
            }
            .order(3, 0)
            .is_err()
        );
    }
}
