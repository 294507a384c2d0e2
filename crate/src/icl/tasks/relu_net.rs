//! Two-layer ReLU networks: `f(x) = Σ_{i≤h} α_i ReLU(w_iᵀx)`, `w_i ~ N(0, I_d)`,
//! `α_i ~ N(0, 2/h)` with `h = 100` (Garg et al.). `E[ReLU(wᵀx)²] = d/2`, so `E[y²] = d`.

use rand::rngs::StdRng;

use super::{Function, FunctionClass, dot, gaussian};

pub struct ReluNet {
    /// Hidden units. Default 100, the reference.
    pub hidden: usize,
}

impl Default for ReluNet {
    fn default() -> Self {
        Self { hidden: 100 }
    }
}

impl FunctionClass for ReluNet {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let h = self.hidden;
        let w = gaussian(rng, h * active);
        let scale = (2.0 / h as f64).sqrt() as f32;
        let alpha: Vec<f32> = gaussian(rng, h).into_iter().map(|a| scale * a).collect();
        Box::new(move |x| {
            w.chunks_exact(active)
                .zip(&alpha)
                .map(|(wi, a)| a * dot(wi, x).max(0.0))
                .sum()
        })
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }
}
