//! Shrink and perturb (Ash & Adams 2020; Dohare et al. 2024's version): weight decay toward zero
//! (the shrink, [`super::WeightDecay`]'s term) and, after every step, Gaussian noise of standard
//! deviation σ added to every parameter (the perturb), which keeps units from dying for good.

use burn::tensor::Tensor;

use super::{Needs, StepContext, Strategy, WeightDecay};

pub struct ShrinkPerturb {
    lambda: f64,
    std: f64,
}

impl ShrinkPerturb {
    pub fn new(lambda: f64, std: f64) -> Self {
        Self { lambda, std }
    }
}

impl Strategy for ShrinkPerturb {
    fn needs(&self) -> Needs {
        Needs {
            params: true,
            ..Needs::default()
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        Some(WeightDecay::term(self.lambda, ctx.params?))
    }

    fn perturbation(&self) -> Option<f64> {
        (self.std > 0.0).then_some(self.std)
    }
}
