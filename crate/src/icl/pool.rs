//! Task diversity (SCIENCE.md §5, Raventós et al. 2023): training prompts draw their function
//! from a finite pool of M tasks fixed by the seed instead of a fresh one per prompt. Each task is
//! a seed for the class's own `sample_function`, so a pool exists for every function class and is
//! the same wherever the same config runs (the browser and the CLI: `StdRng` is portable).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::{Function, FunctionClass};

/// Mixed into the session seed so the pool does not share its draws with the data stream.
const POOL_SALT: u64 = 0x7A5C_D1B3_9E00_0000;

/// M tasks, each a seed for its function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPool {
    seeds: Vec<u64>,
}

impl TaskPool {
    /// The pool of `size` tasks for session seed `seed`.
    pub fn new(size: u32, seed: u32) -> Self {
        let mut rng = StdRng::seed_from_u64(u64::from(seed) ^ POOL_SALT);
        Self {
            seeds: (0..size).map(|_| rng.random::<u64>()).collect(),
        }
    }

    /// M.
    pub fn len(&self) -> usize {
        self.seeds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seeds.is_empty()
    }

    /// Task `m`'s function with `active` coordinates (the same function for the same `m` and
    /// `active`, every time).
    pub fn function(&self, class: &dyn FunctionClass, m: usize, active: usize) -> Function {
        class.sample_function(&mut StdRng::seed_from_u64(self.seeds[m]), active)
    }

    /// Every task's function on `dims` coordinates, in pool order (dMMSE's hypotheses).
    pub fn functions(&self, class: &dyn FunctionClass, dims: usize) -> Vec<Function> {
        (0..self.len())
            .map(|m| self.function(class, m, dims))
            .collect()
    }

    /// A task drawn uniformly, as each training prompt draws its own.
    pub fn draw(&self, rng: &mut StdRng) -> usize {
        rng.random_range(0..self.seeds.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::tasks::LinearRegression;

    /// The weights of a linear function: its values on the basis vectors.
    fn weights(f: &Function, dims: usize) -> Vec<f32> {
        (0..dims)
            .map(|j| {
                let mut e = vec![0.0; dims];
                e[j] = 1.0;
                f(&e)
            })
            .collect()
    }

    #[test]
    fn a_pool_has_exactly_m_tasks_fixed_by_the_seed() {
        let class = LinearRegression {};
        let pool = TaskPool::new(8, 3);
        assert_eq!(pool.len(), 8);
        let tasks: Vec<Vec<f32>> = pool
            .functions(&class, 4)
            .iter()
            .map(|f| weights(f, 4))
            .collect();
        // the same seed gives the same tasks; another seed, other tasks
        let again: Vec<Vec<f32>> = TaskPool::new(8, 3)
            .functions(&class, 4)
            .iter()
            .map(|f| weights(f, 4))
            .collect();
        assert_eq!(tasks, again);
        let other = weights(&TaskPool::new(8, 4).function(&class, 0, 4), 4);
        assert_ne!(tasks[0], other);
        // the first tasks of a bigger pool are the same tasks
        let bigger = weights(&TaskPool::new(64, 3).function(&class, 5, 4), 4);
        assert_eq!(bigger, tasks[5]);
        // the tasks differ from each other
        for a in 0..8 {
            for b in a + 1..8 {
                assert_ne!(tasks[a], tasks[b]);
            }
        }
    }

    /// The pool of seed 0, pinned: the wasm build's test (crate/tests/web.rs) checks the same
    /// numbers, so a page and the CLI train on the same tasks.
    pub const GOLDEN: [[f32; 3]; 2] = [
        [-0.241_853_04, 0.453_460_28, -0.138_116_7],
        [1.555_906_3, 0.173_627_4, 1.051_203_1],
    ];

    #[test]
    fn the_pool_of_seed_0_is_pinned() {
        let pool = TaskPool::new(4, 0);
        for (m, w) in GOLDEN.iter().enumerate() {
            assert_eq!(&weights(&pool.function(&LinearRegression {}, m, 3), 3), w);
        }
    }

    #[test]
    fn draws_cover_the_pool_uniformly() {
        let pool = TaskPool::new(4, 0);
        let mut rng = StdRng::seed_from_u64(1);
        let mut counts = [0usize; 4];
        for _ in 0..4000 {
            counts[pool.draw(&mut rng)] += 1;
        }
        for c in counts {
            assert!((900..1100).contains(&c), "{counts:?}");
        }
    }
}
