//! Replay with a reservoir buffer: every example seen has the same chance `capacity / seen` of
//! being in memory (Vitter's algorithm R); each step trains on the current batch plus as many
//! examples drawn uniformly from memory.

use rand::RngExt;
use rand::rngs::StdRng;

use super::Strategy;
use crate::continual::data::Dataset;

#[derive(Debug, Clone)]
pub struct Replay {
    capacity: usize,
    seen: u64,
    dim: usize,
    classes: usize,
    inputs: Vec<f32>,
    labels: Vec<u32>,
}

impl Replay {
    pub fn new(capacity: usize, dim: usize, classes: usize) -> Self {
        Self {
            capacity,
            seen: 0,
            dim,
            classes,
            inputs: Vec::with_capacity(capacity * dim),
            labels: Vec::with_capacity(capacity),
        }
    }

    /// Examples in memory.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// How many stored examples have each label.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

impl Strategy for Replay {
    fn name(&self) -> &'static str {
        "replay"
    }

    fn rehearsal(&mut self, rng: &mut StdRng, n: usize) -> Option<Dataset> {
        if self.is_empty() || n == 0 {
            return None;
        }
        let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..self.len())).collect();
        let memory = Dataset {
            inputs: self.inputs.clone(),
            labels: self.labels.clone(),
            dim: self.dim,
            classes: self.classes,
        };
        Some(memory.rows(&rows))
    }

    fn observe(&mut self, batch: &Dataset, rng: &mut StdRng) {
        for i in 0..batch.len() {
            self.seen += 1;
            if self.len() < self.capacity {
                self.inputs.extend_from_slice(batch.input(i));
                self.labels.push(batch.labels[i]);
            } else if self.capacity > 0 {
                let j = rng.random_range(0..self.seen) as usize;
                if j < self.capacity {
                    self.inputs[j * self.dim..(j + 1) * self.dim].copy_from_slice(batch.input(i));
                    self.labels[j] = batch.labels[i];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// After a stream of 10 classes × 1,000 examples, a reservoir of 500 holds each class about
    /// equally (expected 50 each; binomial sd ≈ 6.7, so 25..75 is > 3.5 sd).
    #[test]
    fn reservoir_keeps_a_uniform_sample_of_the_stream() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut replay = Replay::new(500, 1, 10);
        for c in 0..10u32 {
            let batch = Dataset::new(vec![c as f32; 1000], vec![c; 1000], 1, 10).expect("valid");
            replay.observe(&batch, &mut rng);
        }
        assert_eq!(replay.len(), 500);
        let counts = replay.class_counts();
        assert!(counts.iter().all(|&n| (25..=75).contains(&n)), "{counts:?}");
        // stored inputs still match their labels
        let sample = replay.rehearsal(&mut rng, 64).expect("memory");
        assert!((0..64).all(|i| sample.input(i)[0] == sample.labels[i] as f32));
    }
}
