//! Elastic weight consolidation (Kirkpatrick et al. 2017; Avalanche's `EWC`, "separate" mode):
//! after each task t, its diagonal empirical Fisher F_t (mean squared gradient of the loss over
//! minibatches of the task, as Avalanche computes it) and the parameters θ*_t are kept; every later
//! step adds `λ · Σ_t Σ_i F_t,i (θ_i − θ*_t,i)²`, so parameters that mattered for old tasks move
//! least.

use burn::tensor::Tensor;

use super::{Needs, StepContext, Strategy, TaskEnd};

pub struct Ewc {
    lambda: f64,
    /// (F_t, θ*_t) per finished task.
    anchors: Vec<(Tensor<1>, Tensor<1>)>,
}

impl Ewc {
    pub fn new(lambda: f64) -> Self {
        Self {
            lambda,
            anchors: Vec::new(),
        }
    }
}

impl Strategy for Ewc {
    fn needs(&self) -> Needs {
        Needs {
            params: true,
            fisher: true,
            ..Needs::default()
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        let params = ctx.params?;
        self.anchors
            .iter()
            .map(|(fisher, anchor)| {
                (fisher.clone() * (params.clone() - anchor.clone()).powi_scalar(2)).sum()
            })
            .reduce(|a, b| a + b)
            .map(|p| p.mul_scalar(self.lambda))
    }

    fn end_task(&mut self, end: &TaskEnd) {
        if let Some(fisher) = end.fisher {
            self.anchors.push((fisher.clone(), end.params.clone()));
        }
    }
}
