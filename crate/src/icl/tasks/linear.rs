//! Noiseless linear regression, `w ~ N(0, I_d)`, `f(x) = wᵀx`; `E[y²] = d`.

use rand::rngs::StdRng;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, dot, gaussian};

/// No parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LinearRegression {}

impl FunctionClass for LinearRegression {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let w = gaussian(rng, active);
        Box::new(move |x| dot(&w, x))
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }

    fn title(&self) -> &'static str {
        "linear"
    }

    fn description(&self) -> &'static str {
        "Linear functions f(x) = wᵀx, w ~ N(0, I)"
    }

    /// Least squares is optimal; averaging (Garg et al.'s) and gradient descent show what is not.
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::Averaging, BaselineKind::Gd]
    }
}
