//! Class-balanced buffer (Avalanche's `ClassBalancedBuffer`): the capacity is split equally among
//! the classes seen so far. When a new class arrives the largest classes give up random examples
//! to make room; within a class that is at its quota, a new example replaces a random stored one
//! of its class with reservoir probability, so each class keeps a uniform sample of its examples.

use rand::RngExt;
use rand::rngs::StdRng;

use super::replay::Memory;
use crate::continual::data::Dataset;

#[derive(Debug, Clone)]
pub struct ClassBalanced {
    capacity: usize,
    /// Examples seen per class.
    seen: Vec<u64>,
    /// Stored examples per class, `[n, dim]` each.
    per_class: Vec<Vec<f32>>,
    /// The concatenation, rebuilt after every change.
    data: Dataset,
}

impl ClassBalanced {
    pub fn new(capacity: usize, dim: usize, classes: usize) -> Self {
        Self {
            capacity,
            seen: vec![0; classes],
            per_class: vec![Vec::new(); classes],
            data: Dataset {
                inputs: Vec::new(),
                labels: Vec::new(),
                dim,
                classes,
                image: None,
            },
        }
    }

    fn count(&self, c: usize) -> usize {
        self.per_class[c].len() / self.data.dim
    }

    fn quota(&self) -> usize {
        let classes = self.seen.iter().filter(|&&n| n > 0).count().max(1);
        self.capacity / classes
    }

    fn rebuild(&mut self) {
        self.data.inputs.clear();
        self.data.labels.clear();
        for (c, rows) in self.per_class.iter().enumerate() {
            self.data.inputs.extend_from_slice(rows);
            let n = rows.len() / self.data.dim;
            self.data.labels.extend(std::iter::repeat_n(c as u32, n));
        }
    }
}

impl Memory for ClassBalanced {
    fn stored(&self) -> &Dataset {
        &self.data
    }

    fn add(&mut self, batch: &Dataset, rng: &mut StdRng) {
        let dim = self.data.dim;
        for i in 0..batch.len() {
            let c = batch.labels[i] as usize;
            self.seen[c] += 1;
            let quota = self.quota();
            // a newly seen class shrinks the quota: trim the classes above it
            for k in 0..self.per_class.len() {
                while self.count(k) > quota {
                    let j = rng.random_range(0..self.count(k));
                    let last = self.count(k) - 1;
                    self.per_class[k].copy_within(last * dim..(last + 1) * dim, j * dim);
                    self.per_class[k].truncate(last * dim);
                }
            }
            if self.count(c) < quota {
                self.per_class[c].extend_from_slice(batch.input(i));
            } else if quota > 0 {
                let j = rng.random_range(0..self.seen[c]) as usize;
                if j < self.count(c) {
                    self.per_class[c][j * dim..(j + 1) * dim].copy_from_slice(batch.input(i));
                }
            }
        }
        self.rebuild();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// 4 classes arrive one after another with very different counts; the buffer ends with
    /// exactly capacity/4 of each, where a reservoir would hold them in proportion to the stream.
    #[test]
    fn every_seen_class_gets_an_equal_share() {
        let mut rng = StdRng::seed_from_u64(2);
        let mut buffer = ClassBalanced::new(100, 1, 4);
        for (c, n) in [(0u32, 1000), (1, 50), (2, 400), (3, 30)] {
            let batch = Dataset::new(vec![c as f32; n], vec![c; n], 1, 4).expect("valid");
            buffer.add(&batch, &mut rng);
        }
        let stored = buffer.stored();
        let counts: Vec<usize> = (0..4u32)
            .map(|c| stored.labels.iter().filter(|&&l| l == c).count())
            .collect();
        assert_eq!(counts, [25, 25, 25, 25]);
        assert!((0..stored.len()).all(|i| stored.input(i)[0] == stored.labels[i] as f32));
    }
}
