//! The solvers a layer is compared with, along their paths, in closed form (docs/SCIENCE.md §6).
//!
//! For a prompt's first k examples, `S = XᵀX = U diag(λ) Uᵀ`, `c = Uᵀ Xᵀy` and the query
//! `q' = Uᵀ x_{k+1}`; every method's weights are `U diag(f(λ)) c`, so its prediction is
//! `Σᵢ fᵢ cᵢ q'ᵢ`:
//! - Iterative Newton (Newton–Schulz) from `M₀ = αS`, `α = 1/‖SSᵀ‖_F` (Fu et al.'s code):
//!   `fᵢ = mᵢ` with `mᵢ ← mᵢ(2 − λᵢ mᵢ)` from `mᵢ = αλᵢ`;
//! - gradient descent from `w = 0` on `½‖Xw − y‖²` with step η, after T steps:
//!   `fᵢ = (1 − (1 − ηλᵢ)^T)/λᵢ`; the reference's η is one fixed number (0.01), iclab's extra is
//!   `η = 1/λ_max` per prompt and k;
//! - least squares (minimum norm): `fᵢ = 1/λᵢ` on the non-zero `λᵢ`.
//!
//! The closed forms equal the iterations of `baselines::optim` (tested there and here) and cost
//! one eigendecomposition per (prompt, k) whatever the number of steps, so GD can be followed to
//! 65,536 steps in the browser.

use nalgebra::{DMatrix, DVector};

use crate::icl::PromptBatch;
use crate::icl::baselines::linear::least_squares;

/// Every method's predictions, `[T][batch · points]` (entry `b · points + k` is the prediction
/// for `x_{k+1}` from the first k examples; k = 0 predicts 0).
pub struct Paths {
    /// Newton after 0, 1, …, `newton_max` iterations.
    pub newton: Vec<Vec<f64>>,
    /// GD with the fixed step, after each of the step counts.
    pub gd: Vec<Vec<f64>>,
    /// GD with the per-prompt step `1/λ_max(S)`, after each of the step counts.
    pub gd_optimal: Vec<Vec<f64>>,
    pub least_squares: Vec<f64>,
    /// (prompt, k) problems on which the fixed step diverges (`η λ_max(S) ≥ 2`).
    pub gd_unstable: u32,
}

/// Eigenvalues below this fraction of the largest are zero (directions the examples do not span).
const RANK_TOLERANCE: f64 = 1e-12;

/// `Σᵢ fᵢ cᵢ q'ᵢ` over the spanned directions.
fn predict(f: impl Fn(f64) -> f64, lambda: &DVector<f64>, cq: &[f64], lmax: f64) -> f64 {
    lambda
        .iter()
        .zip(cq)
        .filter(|(l, _)| **l > RANK_TOLERANCE * lmax)
        .map(|(&l, &c)| f(l) * c)
        .sum()
}

/// GD's gain on an eigenvalue λ after `t` steps of size `eta`: `(1 − (1 − ηλ)^t)/λ`.
fn gd_gain(lambda: f64, eta: f64, t: u32) -> f64 {
    let rate = 1.0 - eta * lambda;
    let power = i32::try_from(t).map_or(0.0, |t| rate.powi(t));
    (1.0 - power) / lambda
}

impl Paths {
    /// Every method's path on every prompt of `set`.
    pub fn compute(set: &PromptBatch, newton_max: u32, gd_steps: &[u32], eta: f64) -> Self {
        let mut paths = Self::empty(set, newton_max, gd_steps);
        for b in 0..set.batch {
            paths.add_prompt(set, b, gd_steps, eta);
        }
        paths
    }

    /// Room for every method's path on `set`'s prompts, all 0 (the prediction with no example).
    pub fn empty(set: &PromptBatch, newton_max: u32, gd_steps: &[u32]) -> Self {
        let n = set.batch * set.points;
        Self {
            newton: vec![vec![0.0; n]; newton_max as usize + 1],
            gd: vec![vec![0.0; n]; gd_steps.len()],
            gd_optimal: vec![vec![0.0; n]; gd_steps.len()],
            least_squares: vec![0.0; n],
            gd_unstable: 0,
        }
    }

    /// Fills in prompt `b` of `set` (one eigendecomposition per k), so a caller can go prompt
    /// by prompt and give way between them.
    pub fn add_prompt(&mut self, set: &PromptBatch, b: usize, gd_steps: &[u32], eta: f64) {
        let (points, dims) = (set.points, set.dims);
        let (xs, ys) = set.prompt(b);
        let all_x = DMatrix::from_row_iterator(points, dims, xs.iter().map(|&v| f64::from(v)));
        let all_y = DVector::from_iterator(points, ys.iter().map(|&v| f64::from(v)));
        for k in 1..points {
            let i = b * points + k;
            let (x, y) = (all_x.rows(0, k).into_owned(), all_y.rows(0, k).into_owned());
            let q = all_x.row(k).transpose();
            self.least_squares[i] = least_squares(&x, &y).dot(&q);
            let eig = (x.transpose() * &x).symmetric_eigen();
            let lambda = eig.eigenvalues.map(|l| l.max(0.0));
            let lmax = lambda.max();
            if lmax <= 0.0 {
                continue;
            }
            let c = eig.eigenvectors.transpose() * (x.transpose() * &y);
            let qq = eig.eigenvectors.transpose() * &q;
            let cq: Vec<f64> = c.iter().zip(qq.iter()).map(|(a, b)| a * b).collect();
            if eta * lmax >= 2.0 {
                self.gd_unstable += 1;
            }
            for (t, &steps) in gd_steps.iter().enumerate() {
                self.gd[t][i] = predict(|l| gd_gain(l, eta, steps), &lambda, &cq, lmax);
                self.gd_optimal[t][i] =
                    predict(|l| gd_gain(l, 1.0 / lmax, steps), &lambda, &cq, lmax);
            }
            // ‖SSᵀ‖_F = √Σλ⁴
            let alpha = 1.0 / lambda.iter().map(|l| l.powi(4)).sum::<f64>().sqrt();
            let mut m: Vec<f64> = lambda.iter().map(|l| alpha * l).collect();
            for path in self.newton.iter_mut() {
                path[i] = lambda
                    .iter()
                    .zip(&m)
                    .zip(&cq)
                    .filter(|((l, _), _)| **l > RANK_TOLERANCE * lmax)
                    .map(|((_, mi), c)| mi * c)
                    .sum();
                for (mi, l) in m.iter_mut().zip(lambda.iter()) {
                    *mi *= 2.0 - l * *mi;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::baselines::optim::{GdStep, gd_path, newton_path};
    use crate::icl::tasks::TaskConfig;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// The closed forms give the iterations' predictions (baselines::optim), to rounding.
    #[test]
    fn closed_forms_equal_the_iterations() {
        let task = TaskConfig::default();
        let class = task.class();
        let mut rng = StdRng::seed_from_u64(3);
        let set = PromptBatch::sample(class, &mut rng, 3, 8, 4);
        let steps = [1, 2, 7, 50, 300];
        let paths = Paths::compute(&set, 6, &steps, 0.01);
        assert_eq!(paths.gd_unstable, 0);
        for b in 0..set.batch {
            let (xs, ys) = set.prompt(b);
            let all_x = DMatrix::from_row_iterator(8, 4, xs.iter().map(|&v| f64::from(v)));
            let all_y = DVector::from_iterator(8, ys.iter().map(|&v| f64::from(v)));
            for k in 1..8 {
                let (x, y) = (all_x.rows(0, k).into_owned(), all_y.rows(0, k).into_owned());
                let q = all_x.row(k).transpose();
                let i = b * 8 + k;
                for (t, w) in newton_path(&x, &y, 6).iter().enumerate() {
                    let want = w.dot(&q);
                    assert!(
                        (paths.newton[t][i] - want).abs() < 1e-8 * (1.0 + want.abs()),
                        "Newton T = {t}, k = {k}"
                    );
                }
                for (step, paths_of) in [
                    (GdStep::Fixed(0.01), &paths.gd),
                    (GdStep::Optimal, &paths.gd_optimal),
                ] {
                    for (t, w) in gd_path(&x, &y, &steps, step).iter().enumerate() {
                        let want = w.dot(&q);
                        assert!(
                            (paths_of[t][i] - want).abs() < 1e-8 * (1.0 + want.abs()),
                            "{step:?} T = {}, k = {k}: {} vs {want}",
                            steps[t],
                            paths_of[t][i]
                        );
                    }
                }
                assert!((paths.least_squares[i] - least_squares(&x, &y).dot(&q)).abs() < 1e-9);
            }
        }
    }

    /// A step too large for a prompt is counted, not hidden.
    #[test]
    fn an_unstable_fixed_step_is_counted() {
        let task = TaskConfig::default();
        let class = task.class();
        let mut rng = StdRng::seed_from_u64(4);
        let set = PromptBatch::sample(class, &mut rng, 2, 6, 3);
        let paths = Paths::compute(&set, 2, &[1], 10.0);
        assert_eq!(paths.gd_unstable, 2 * 5);
    }
}
