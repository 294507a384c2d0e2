//! Noiseless linear regression, `w ~ N(0, I_d)`, `f(x) = wᵀx`; `E[y²] = d`.

use rand::rngs::StdRng;

use super::{Function, FunctionClass, dot, gaussian};

pub struct LinearRegression;

impl FunctionClass for LinearRegression {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let w = gaussian(rng, active);
        Box::new(move |x| dot(&w, x))
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }
}
