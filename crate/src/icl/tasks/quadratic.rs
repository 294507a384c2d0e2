//! Quadratic regression (Garg et al.'s `QuadraticRegression`): `f(x) = Σ_i w_i x_i² / √3`,
//! `w ~ N(0, I_d)`. The `1/√3` is the reference's renormalization to the linear scale:
//! `E[x⁴] = 3` for a standard normal, so `E[y²] = d`, the normalizer.

use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, gaussian};

/// No parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QuadraticRegression {}

impl FunctionClass for QuadraticRegression {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let w = gaussian(rng, active);
        let scale = 1.0 / 3f32.sqrt();
        Box::new(move |x| scale * w.iter().zip(x).map(|(w, x)| w * x * x).sum::<f32>())
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }

    fn title(&self) -> &'static str {
        "quadratic"
    }

    fn description(&self) -> &'static str {
        "Quadratic functions f(x) = Σ wᵢ xᵢ² / √3, w ~ N(0, I)"
    }

    /// Least squares on the raw inputs cannot fit a quadratic; k-NN makes no assumption.
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::Knn]
    }
}
