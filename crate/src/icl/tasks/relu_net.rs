//! Two-layer ReLU networks: `f(x) = Σ_{i≤h} α_i ReLU(w_iᵀx)`, `w_i ~ N(0, I_d)`,
//! `α_i ~ N(0, 2/h)` with `h = 100` (Garg et al.). `E[ReLU(wᵀx)²] = d/2`, so `E[y²] = d`.

use rand::rngs::StdRng;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, dot, gaussian};

/// No parameters in the config: the reference's 100 hidden units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReluNet {
    /// Hidden units. 100, the reference.
    #[serde(skip)]
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

    fn title(&self) -> &'static str {
        "2-layer ReLU net"
    }

    fn description(&self) -> &'static str {
        "Two-layer ReLU networks with 100 hidden units"
    }

    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::ReluNet, BaselineKind::Knn, BaselineKind::Averaging]
    }

    fn reference_points(&self) -> (u32, u32) {
        (26, 5)
    }
}
