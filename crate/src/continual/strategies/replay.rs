//! Experience replay (Avalanche's `Replay`): examples of past batches are kept in a bounded
//! memory — [`Reservoir`](super::Reservoir) or [`ClassBalanced`](super::ClassBalanced) — and each
//! step trains on the current batch plus as many examples drawn uniformly from memory.

use rand::RngExt;
use rand::rngs::StdRng;

use super::Strategy;
use crate::continual::data::Dataset;

/// A bounded store of past examples.
pub trait Memory {
    fn stored(&self) -> &Dataset;
    /// Offers every example of `batch` to the memory.
    fn add(&mut self, batch: &Dataset, rng: &mut StdRng);

    /// `n` examples drawn uniformly with replacement; `None` when empty.
    fn sample(&self, rng: &mut StdRng, n: usize) -> Option<Dataset> {
        let stored = self.stored();
        if stored.is_empty() || n == 0 {
            return None;
        }
        let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..stored.len())).collect();
        Some(stored.rows(&rows))
    }
}

pub struct Replay {
    memory: Box<dyn Memory>,
}

impl Replay {
    pub fn new(memory: Box<dyn Memory>) -> Self {
        Self { memory }
    }

    pub fn memory(&self) -> &dyn Memory {
        self.memory.as_ref()
    }
}

impl Strategy for Replay {
    fn rehearsal(&mut self, rng: &mut StdRng, n: usize) -> Option<Dataset> {
        self.memory.sample(rng, n)
    }

    fn observe(&mut self, batch: &Dataset, rng: &mut StdRng) {
        self.memory.add(batch, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::continual::strategies::Reservoir;
    use rand::SeedableRng;

    /// After a stream of 10 classes × 1,000 examples, a reservoir of 500 holds each class about
    /// equally (expected 50 each; binomial sd ≈ 6.7, so 25..75 is > 3.5 sd).
    #[test]
    fn reservoir_keeps_a_uniform_sample_of_the_stream() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut replay = Replay::new(Box::new(Reservoir::new(500, 1, 10)));
        for c in 0..10u32 {
            let batch = Dataset::new(vec![c as f32; 1000], vec![c; 1000], 1, 10).expect("valid");
            replay.observe(&batch, &mut rng);
        }
        let stored = replay.memory().stored();
        assert_eq!(stored.len(), 500);
        let counts: Vec<usize> = (0..10u32)
            .map(|c| stored.labels.iter().filter(|&&l| l == c).count())
            .collect();
        assert!(counts.iter().all(|&n| (25..=75).contains(&n)), "{counts:?}");
        // stored inputs still match their labels
        let sample = replay.rehearsal(&mut rng, 64).expect("memory");
        assert!((0..64).all(|i| sample.input(i)[0] == sample.labels[i] as f32));
    }
}
