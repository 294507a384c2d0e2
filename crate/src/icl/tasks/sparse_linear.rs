//! Sparse linear regression: `w ~ N(0, I_d)` with all but `s` random coordinates zeroed
//! (reference `s = 3`); `E[y²] = s`, so errors are normalized by `s`.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::{Function, FunctionClass, dot, gaussian};

pub struct SparseLinear {
    /// Non-zero coordinates of `w`. Default 3, as in Garg et al.
    pub sparsity: usize,
}

impl FunctionClass for SparseLinear {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let mut w = gaussian(rng, active);
        let mut order: Vec<usize> = (0..active).collect();
        order.shuffle(rng);
        for &i in order.iter().skip(self.sparsity) {
            w[i] = 0.0;
        }
        Box::new(move |x| dot(&w, x))
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        self.sparsity.min(active) as f64
    }
}
