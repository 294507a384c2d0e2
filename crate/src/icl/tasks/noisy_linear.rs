//! Noisy linear regression: `y = wᵀx + ε`, `ε ~ N(0, σ²)` (reference OOD test: σ = 1).
//! Errors are measured against the noisy outputs and normalized by `d`, as in the reference, so
//! even the true `w` scores `σ²/d`.

use rand::rngs::StdRng;

use super::{Function, FunctionClass, dot, gaussian};

pub struct NoisyLinear {
    /// Output noise standard deviation σ.
    pub noise_std: f64,
}

impl FunctionClass for NoisyLinear {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let w = gaussian(rng, active);
        Box::new(move |x| dot(&w, x))
    }

    fn output_noise(&self) -> f64 {
        self.noise_std
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }
}
