//! L2 to the previous weights: after each task the parameters θ* are remembered and every later
//! step adds `λ · Σ_i (θ_i − θ*_i)²` — EWC with every importance equal to 1. "A Closer Look at
//! Rehearsal-Free Continual Learning" finds this plain penalty beats EWC in its settings.

use burn::tensor::Tensor;

use super::{Needs, StepContext, Strategy, TaskEnd};

pub struct L2 {
    lambda: f64,
    anchor: Option<Tensor<1>>,
}

impl L2 {
    pub fn new(lambda: f64) -> Self {
        Self {
            lambda,
            anchor: None,
        }
    }
}

impl Strategy for L2 {
    fn needs(&self) -> Needs {
        Needs {
            params: true,
            ..Needs::default()
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        let (anchor, params) = (self.anchor.as_ref()?, ctx.params?);
        Some(
            (params.clone() - anchor.clone())
                .powi_scalar(2)
                .sum()
                .mul_scalar(self.lambda),
        )
    }

    fn end_task(&mut self, end: &TaskEnd) {
        self.anchor = Some(end.params.clone());
    }
}
