//! Reservoir buffer: every example seen has the same chance `capacity / seen` of being in memory
//! (Vitter's algorithm R), whatever task or class it came from.

use rand::RngExt;
use rand::rngs::StdRng;

use super::replay::Memory;
use crate::continual::data::Dataset;

#[derive(Debug, Clone)]
pub struct Reservoir {
    capacity: usize,
    seen: u64,
    data: Dataset,
}

impl Reservoir {
    pub fn new(capacity: usize, dim: usize, classes: usize) -> Self {
        Self {
            capacity,
            seen: 0,
            data: Dataset {
                inputs: Vec::with_capacity(capacity * dim),
                labels: Vec::with_capacity(capacity),
                dim,
                classes,
                image: None,
            },
        }
    }
}

impl Memory for Reservoir {
    fn stored(&self) -> &Dataset {
        &self.data
    }

    fn add(&mut self, batch: &Dataset, rng: &mut StdRng) {
        let dim = self.data.dim;
        for i in 0..batch.len() {
            self.seen += 1;
            if self.data.len() < self.capacity {
                self.data.inputs.extend_from_slice(batch.input(i));
                self.data.labels.push(batch.labels[i]);
            } else if self.capacity > 0 {
                let j = rng.random_range(0..self.seen) as usize;
                if j < self.capacity {
                    self.data.inputs[j * dim..(j + 1) * dim].copy_from_slice(batch.input(i));
                    self.data.labels[j] = batch.labels[i];
                }
            }
        }
    }
}
