//! Sparse linear regression: `w ~ N(0, I_d)` with all but `s` random coordinates zeroed
//! (reference `s = 3`); `E[y²] = s`, so errors are normalized by `s`.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, dot, gaussian};
use crate::Result;
use crate::schema::Field;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SparseLinear {
    /// Non-zero coordinates of `w` (1–dims). Default 3, as in Garg et al.
    pub sparsity: u32,
}

const SPARSITY: Field = Field::int("sparsity", 1, 64)
    .at_most_field("dims")
    .labelled("Non-zero coordinates s");

impl Default for SparseLinear {
    fn default() -> Self {
        Self { sparsity: 3 }
    }
}

impl FunctionClass for SparseLinear {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let mut w = gaussian(rng, active);
        let mut order: Vec<usize> = (0..active).collect();
        order.shuffle(rng);
        for &i in order.iter().skip(self.sparsity as usize) {
            w[i] = 0.0;
        }
        Box::new(move |x| dot(&w, x))
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        (self.sparsity as usize).min(active) as f64
    }

    fn title(&self) -> &'static str {
        "sparse linear"
    }

    fn description(&self) -> &'static str {
        "Sparse linear: only a few coordinates of w are non-zero"
    }

    /// Lasso exploits the sparsity that least squares ignores (Garg et al., Fig. 3b).
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::Lasso]
    }

    fn parameters(&self) -> Vec<Field> {
        vec![SPARSITY]
    }

    fn validate(&self, dims: u32) -> Result<()> {
        SPARSITY.capped(f64::from(dims)).check_u32(self.sparsity)
    }
}
