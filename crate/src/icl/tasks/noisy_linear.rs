//! Noisy linear regression: `y = wᵀx + ε`, `ε ~ N(0, σ²)` (reference OOD test: σ = 1).
//! Errors are measured against the noisy outputs and normalized by `d`, as in the reference, so
//! even the true `w` scores `σ²/d`.

use rand::rngs::StdRng;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, dot, gaussian};
use crate::Result;
use crate::schema::Field;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NoisyLinear {
    /// Output noise standard deviation σ (0–100). Default 1, the reference's OOD test.
    pub noise_std: f64,
}

const NOISE_STD: Field = Field::real("noiseStd", 0.0, 100.0).labelled("Output noise σ");

impl Default for NoisyLinear {
    fn default() -> Self {
        Self { noise_std: 1.0 }
    }
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

    fn title(&self) -> &'static str {
        "noisy linear"
    }

    fn description(&self) -> &'static str {
        "Linear with Gaussian noise on every output"
    }

    /// Ridge with λ = σ² (`bayes_ridge`) is the Bayes-optimal estimator under Gaussian noise;
    /// least squares fits the noise.
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::BayesRidge]
    }

    fn parameters(&self) -> Vec<Field> {
        vec![NOISE_STD]
    }

    fn validate(&self, _dims: u32) -> Result<()> {
        NOISE_STD.check(self.noise_std)
    }
}
