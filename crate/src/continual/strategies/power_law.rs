//! Power-law rehearsal ("Catastrophic Interference is Mitigated in Naturalistic Power-Law
//! Learning Environments"): the memory keeps an equal share of examples per task; at each step
//! one earlier task is rehearsed, task j with probability ∝ Δ_j^(−exponent), where Δ_j is the
//! number of steps since task j was last trained on or rehearsed. Recently met tasks come back
//! most and old ones ever more rarely, as in naturalistic environments; exponent 0 is uniform
//! rehearsal over tasks.

use rand::RngExt;
use rand::rngs::StdRng;

use super::replay::Memory;
use super::{Reservoir, Strategy};
use crate::continual::data::Dataset;
use crate::continual::scenarios::Task;

pub struct PowerLawReplay {
    exponent: f64,
    /// One reservoir per task of the stream, each `capacity / tasks`.
    memories: Vec<Reservoir>,
    /// Step at which each task was last trained on or rehearsed (`None`: never).
    last: Vec<Option<u64>>,
    current: usize,
    step: u64,
}

impl PowerLawReplay {
    pub fn new(capacity: usize, tasks: usize, dim: usize, classes: usize, exponent: f64) -> Self {
        let share = capacity / tasks.max(1);
        Self {
            exponent,
            memories: (0..tasks)
                .map(|_| Reservoir::new(share, dim, classes))
                .collect(),
            last: vec![None; tasks],
            current: 0,
            step: 0,
        }
    }

    /// The chance of rehearsing each task at the next step (0 for the current and unseen ones).
    pub fn probabilities(&self) -> Vec<f64> {
        let w: Vec<f64> = (0..self.last.len())
            .map(|j| match self.last[j] {
                Some(last) if j != self.current && !self.memories[j].stored().is_empty() => {
                    ((self.step + 1 - last) as f64).powf(-self.exponent)
                }
                _ => 0.0,
            })
            .collect();
        let total: f64 = w.iter().sum();
        w.iter()
            .map(|x| if total > 0.0 { x / total } else { 0.0 })
            .collect()
    }
}

impl Strategy for PowerLawReplay {
    fn start_task(&mut self, _task: &Task, id: usize) {
        self.current = id;
    }

    fn rehearsal(&mut self, rng: &mut StdRng, n: usize) -> Option<Dataset> {
        let p = self.probabilities();
        let mut u = rng.random::<f64>();
        let pick = p.iter().position(|&pj| {
            if u < pj {
                true
            } else {
                u -= pj;
                false
            }
        })?;
        self.last[pick] = Some(self.step + 1);
        self.memories[pick].sample(rng, n)
    }

    fn observe(&mut self, batch: &Dataset, rng: &mut StdRng) {
        self.step += 1;
        self.last[self.current] = Some(self.step);
        self.memories[self.current].add(batch, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn recent_tasks_are_rehearsed_more_with_power_law_decay() {
        let mut rng = StdRng::seed_from_u64(0);
        let mut s = PowerLawReplay::new(30, 3, 1, 3, 1.0);
        let batch = |c: u32| Dataset::new(vec![c as f32; 4], vec![c; 4], 1, 3).expect("valid");
        // task 0 for 10 steps, then task 1 for 1 step, then task 2 starts
        s.start_task(&dummy(), 0);
        for _ in 0..10 {
            s.observe(&batch(0), &mut rng);
        }
        s.start_task(&dummy(), 1);
        s.observe(&batch(1), &mut rng);
        s.start_task(&dummy(), 2);
        let p = s.probabilities();
        // step 11: Δ0 = 12 − 10 = 2, Δ1 = 12 − 11 = 1 → weights 1/2 and 1 → p = 1/3, 2/3
        assert!(
            (p[0] - 1.0 / 3.0).abs() < 1e-12 && (p[1] - 2.0 / 3.0).abs() < 1e-12,
            "{p:?}"
        );
        assert_eq!(p[2], 0.0);
        let uniform = PowerLawReplay { exponent: 0.0, ..s };
        let q = uniform.probabilities();
        assert!((q[0] - 0.5).abs() < 1e-12, "{q:?}");
    }

    fn dummy() -> Task {
        let d = Dataset::new(vec![0.0], vec![0], 1, 3).expect("valid");
        Task {
            name: String::new(),
            classes: vec![0],
            train: d.clone(),
            test: d,
        }
    }
}
