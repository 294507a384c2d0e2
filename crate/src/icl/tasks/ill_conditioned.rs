//! Linear regression on ill-conditioned inputs (Fu et al., "Transformers Learn Higher-Order
//! Optimization Methods for In-Context Learning"): `x ~ N(0, Σ)`, `Σ = U diag(λ) Uᵀ` with a
//! fresh random rotation `U` per prompt and eigenvalues log-spaced from 1 down to `1/κ`, scaled so
//! `tr Σ = d` (then `E[y²] = d` as for isotropic inputs). Gradient descent converges slowly on
//! such prompts while Newton-type methods do not care, which is what the class is for.

use nalgebra::DMatrix;
use rand::rngs::StdRng;

use serde::{Deserialize, Serialize};

use crate::icl::baselines::BaselineKind;
use super::{Function, FunctionClass, dot, gaussian};
use crate::Result;
use crate::schema::Field;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IllConditionedLinear {
    /// Condition number κ of Σ (1–1e8). Default 100.
    pub condition_number: f64,
}

const CONDITION_NUMBER: Field =
    Field::real("conditionNumber", 1.0, 1e8).labelled("Condition number κ");

impl Default for IllConditionedLinear {
    fn default() -> Self {
        Self {
            condition_number: 100.0,
        }
    }
}

/// `Σ^{1/2} = U diag(√λ) Uᵀ` for eigenvalues `λ` (scaled to sum to `d`) and a Haar-random `U`.
pub fn covariance_sqrt(rng: &mut StdRng, eigenvalues: &[f64]) -> DMatrix<f64> {
    let d = eigenvalues.len();
    let total: f64 = eigenvalues.iter().sum();
    let g = DMatrix::from_iterator(d, d, gaussian(rng, d * d).into_iter().map(f64::from));
    let qr = g.qr();
    // Sign-fix the QR factor so U is Haar distributed.
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..d {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    let scale = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        d,
        eigenvalues.iter().map(|l| (l * d as f64 / total).sqrt()),
    ));
    &q * scale * q.transpose()
}

/// Rows of `z` (`[points, d]`, N(0, I)) mapped through the symmetric `root`.
pub fn transform_rows(z: &[f32], root: &DMatrix<f64>) -> Vec<f32> {
    let d = root.nrows();
    let mut out = Vec::with_capacity(z.len());
    for row in z.chunks_exact(d) {
        for i in 0..d {
            let v: f64 = (0..d).map(|j| root[(i, j)] * f64::from(row[j])).sum();
            out.push(v as f32);
        }
    }
    out
}

impl IllConditionedLinear {
    fn eigenvalues(&self, d: usize) -> Vec<f64> {
        let kappa = self.condition_number.max(1.0);
        (0..d)
            .map(|i| {
                let t = if d > 1 {
                    i as f64 / (d - 1) as f64
                } else {
                    0.0
                };
                kappa.powf(-t)
            })
            .collect()
    }
}

impl FunctionClass for IllConditionedLinear {
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function {
        let w = gaussian(rng, active);
        Box::new(move |x| dot(&w, x))
    }

    fn sample_inputs(&self, rng: &mut StdRng, points: usize, dims: usize) -> Vec<f32> {
        let root = covariance_sqrt(rng, &self.eigenvalues(dims));
        transform_rows(&gaussian(rng, points * dims), &root)
    }

    fn error_normalizer(&self, active: usize) -> f64 {
        active as f64
    }

    fn title(&self) -> &'static str {
        "ill-conditioned linear"
    }

    fn description(&self) -> &'static str {
        "Linear with ill-conditioned input covariance (Fu et al.)"
    }

    /// Iterative Newton copes with the condition number that slows gradient descent (Fu et al.).
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::Newton, BaselineKind::Gd]
    }

    fn parameters(&self) -> Vec<Field> {
        vec![CONDITION_NUMBER]
    }

    fn validate(&self, _dims: u32) -> Result<()> {
        CONDITION_NUMBER.check(self.condition_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn covariance_has_the_asked_condition_number() {
        let mut rng = StdRng::seed_from_u64(0);
        let class = IllConditionedLinear {
            condition_number: 50.0,
        };
        let root = covariance_sqrt(&mut rng, &class.eigenvalues(4));
        let sigma = &root * &root;
        let eig = sigma.symmetric_eigenvalues();
        let (max, min) = (eig.max(), eig.min());
        assert!((max / min - 50.0).abs() < 1e-6, "{max} / {min}");
        assert!((sigma.trace() - 4.0).abs() < 1e-9);
    }
}
