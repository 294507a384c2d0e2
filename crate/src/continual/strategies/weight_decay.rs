//! L2 toward zero ("weight decay"; Dohare et al. 2024's L2 regularization): every step adds
//! `(λ/2) · Σ_i θ_i²` to the loss, so each weight's gradient gains `λ θ_i` and weights cannot grow
//! without bound — one of the cures for loss of plasticity, unlike [`super::L2`], which pulls
//! towards the previous task's weights. (With Adam the term goes through the adaptive step, as in
//! Dohare et al.'s Adam runs; it is not AdamW's decoupled decay.)

use burn::tensor::Tensor;

use super::{Needs, StepContext, Strategy};

pub struct WeightDecay {
    lambda: f64,
}

impl WeightDecay {
    pub fn new(lambda: f64) -> Self {
        Self { lambda }
    }

    /// `(λ/2) Σ θ²` of the flattened parameters.
    pub(super) fn term(lambda: f64, params: &Tensor<1>) -> Tensor<1> {
        params.clone().powi_scalar(2).sum().mul_scalar(lambda / 2.0)
    }
}

impl Strategy for WeightDecay {
    fn needs(&self) -> Needs {
        Needs {
            params: true,
            ..Needs::default()
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        Some(Self::term(self.lambda, ctx.params?))
    }
}
