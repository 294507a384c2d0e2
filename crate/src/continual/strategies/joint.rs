//! Joint training, the upper bound (Avalanche's `JointTraining`): the order of the stream is
//! ignored and every step trains on a batch drawn from *all* tasks' training data, for as many
//! steps as the sequential strategies take. It is evaluated at the same points, so its curves
//! sit next to theirs; its accuracy matrix shows what the model can reach with every task at once.

use rand::RngExt;
use rand::rngs::StdRng;

use super::Strategy;
use crate::continual::data::Dataset;
use crate::continual::scenarios::Task;

#[derive(Debug, Clone)]
pub struct Joint {
    all: Dataset,
}

impl Joint {
    /// `tasks`: every distinct task of the stream.
    pub fn new(tasks: &[Task]) -> Self {
        let mut all = tasks[0].train.empty_like();
        for t in tasks {
            all.extend(&t.train);
        }
        Self { all }
    }
}

impl Strategy for Joint {
    fn trains_on_current(&self) -> bool {
        false
    }

    fn rehearsal(&mut self, rng: &mut StdRng, n: usize) -> Option<Dataset> {
        let rows: Vec<usize> = (0..n)
            .map(|_| rng.random_range(0..self.all.len()))
            .collect();
        Some(self.all.rows(&rows))
    }
}
