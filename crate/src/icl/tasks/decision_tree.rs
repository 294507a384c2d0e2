//! Decision trees of depth 4 (Garg et al.): every internal node splits on the sign of a random
//! coordinate, leaves hold values `N(0, 1)`; `E[y²] = 1`, so errors are not rescaled.

use rand::RngExt;
use rand::rngs::StdRng;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, gaussian};

/// No parameters in the config: the reference's depth 4.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DecisionTree {
    /// Depth. 4, the reference.
    #[serde(skip)]
    pub depth: u32,
}

impl Default for DecisionTree {
    fn default() -> Self {
        Self { depth: 4 }
    }
}

impl FunctionClass for DecisionTree {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let internal = (1usize << self.depth) - 1;
        // Heap layout: node n has children 2n + 1 (negative side) and 2n + 2.
        let split: Vec<usize> = (0..internal)
            .map(|_| rng.random_range(0..active.max(1)))
            .collect();
        let leaves = gaussian(rng, internal + 1);
        Box::new(move |x| {
            let mut node = 0;
            while node < internal {
                node = if x[split[node]] > 0.0 {
                    2 * node + 2
                } else {
                    2 * node + 1
                };
            }
            leaves[node - internal]
        })
    }

    fn error_normalizer(&self, _active: usize) -> f64 {
        1.0
    }

    fn title(&self) -> &'static str {
        "decision tree"
    }

    fn description(&self) -> &'static str {
        "Depth-4 decision trees splitting on the sign of a coordinate"
    }

    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::Tree, BaselineKind::Knn]
    }

    fn reference_points(&self) -> (u32, u32) {
        (26, 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn takes_sixteen_values_at_most() {
        let mut rng = StdRng::seed_from_u64(3);
        let f = DecisionTree::default().sample_function(&mut rng, 5);
        let xs = gaussian(&mut rng, 5 * 500);
        let mut values: Vec<f32> = xs.chunks_exact(5).map(f).collect();
        values.sort_by(f32::total_cmp);
        values.dedup();
        assert!(values.len() <= 16 && values.len() > 2, "{}", values.len());
    }
}
