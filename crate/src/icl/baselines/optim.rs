//! Iterative solvers of the least-squares problem that in-context learners are compared with:
//! gradient descent (von Oswald et al., Akyürek et al.) and Iterative Newton (Fu et al.).

use nalgebra::{DMatrix, DVector};

/// The step size of gradient descent from `w = 0` on the summed loss `½‖Xw − y‖²`, i.e.
/// `w ← w − η (Sw − Xᵀy)` with `S = XᵀX`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GdStep {
    /// One step size for every prompt and k: Fu et al.'s reference (`eval_similarity.py`, η =
    /// 0.01). It diverges on a prompt where `η λ_max(S) ≥ 2`. (The layer analysis follows it in
    /// closed form, `icl::layers::paths`, tested against this iteration.)
    #[cfg_attr(not(test), allow(dead_code))]
    Fixed(f64),
    /// `η = 1/λ_max(S)` per prompt and k — on the mean loss `(1/2k)‖Xw − y‖²` this is the step
    /// `1/λ_max(XᵀX/k)`, the largest that never overshoots; it favours GD.
    Optimal,
}

/// `steps` of gradient descent on `L(w) = (1/2k)‖Xw − y‖²` from `w = 0` with step size
/// `1/λ_max(XᵀX/k)`, the largest step that never diverges.
pub fn gradient_descent(xs: &DMatrix<f64>, ys: &DVector<f64>, steps: u32) -> DVector<f64> {
    gd_path(xs, ys, &[steps], GdStep::Optimal)
        .pop()
        .unwrap_or_else(|| DVector::zeros(xs.ncols()))
}

/// Gradient descent's weights after each of `at` steps (ascending), from one run.
pub fn gd_path(
    xs: &DMatrix<f64>,
    ys: &DVector<f64>,
    at: &[u32],
    step: GdStep,
) -> Vec<DVector<f64>> {
    let gram = xs.transpose() * xs;
    let lmax = gram.clone().symmetric_eigenvalues().max();
    let mut w = DVector::zeros(xs.ncols());
    if lmax <= 0.0 || xs.nrows() == 0 {
        return vec![w; at.len()];
    }
    let eta = match step {
        GdStep::Fixed(eta) => eta,
        GdStep::Optimal => 1.0 / lmax,
    };
    let xty = xs.transpose() * ys;
    let mut out = Vec::with_capacity(at.len());
    let mut done = 0;
    for &steps in at {
        while done < steps {
            let grad = &gram * &w - &xty;
            w -= grad * eta;
            done += 1;
        }
        out.push(w.clone());
    }
    out
}

/// Iterative Newton (Newton–Schulz) for the pseudo-inverse of `S = XᵀX`:
/// `M₀ = αS`, `M_{t+1} = M_t(2I − S M_t)`; returns `M_T Xᵀy`. Each eigenvalue `x` of `S M` maps
/// to `x(2 − x)`, which converges to 1 for `x ∈ (0, 2)`. `α = 1/‖SSᵀ‖_F` as in Fu et al.'s code
/// (`models.py`, `torch.linalg.norm` of a matrix is the Frobenius norm; their paper writes
/// `2/‖SSᵀ‖₂`): it puts every `x = αλ²` in `(0, 1]`. Converges quadratically to `S⁺`, so enough
/// iterations give least squares (minimum norm below d).
pub fn iterative_newton(xs: &DMatrix<f64>, ys: &DVector<f64>, steps: u32) -> DVector<f64> {
    newton_path(xs, ys, steps)
        .pop()
        .unwrap_or_else(|| DVector::zeros(xs.ncols()))
}

/// [`iterative_newton`]'s weights after 0, 1, …, `max` iterations (`max + 1` entries).
pub fn newton_path(xs: &DMatrix<f64>, ys: &DVector<f64>, max: u32) -> Vec<DVector<f64>> {
    let d = xs.ncols();
    let s = xs.transpose() * xs;
    let frobenius = (&s * s.transpose()).norm();
    if xs.nrows() == 0 || frobenius <= 0.0 {
        return vec![DVector::zeros(d); max as usize + 1];
    }
    let alpha = 1.0 / frobenius;
    let two = DMatrix::identity(d, d) * 2.0;
    let xty = xs.transpose() * ys;
    let mut m = &s * alpha;
    let mut out = Vec::with_capacity(max as usize + 1);
    out.push(&m * &xty);
    for _ in 0..max {
        m = &m * (&two - &s * &m);
        out.push(&m * &xty);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::baselines::linear::least_squares;

    fn problem() -> (DMatrix<f64>, DVector<f64>) {
        let xs = DMatrix::from_row_slice(
            4,
            3,
            &[
                1.0, 0.5, -0.3, 0.2, -1.0, 0.8, -0.7, 0.1, 1.2, 0.4, 0.9, -0.5,
            ],
        );
        let ys = DVector::from_vec(vec![0.3, -1.1, 0.7, 1.4]);
        (xs, ys)
    }

    #[test]
    fn newton_converges_to_least_squares() {
        let (xs, ys) = problem();
        let ls = least_squares(&xs, &ys);
        let nw = iterative_newton(&xs, &ys, 40);
        assert!((ls - nw).norm() < 1e-9);
        // rank-deficient (k < d): the minimum-norm solution
        let (xs2, ys2) = (xs.rows(0, 2).into_owned(), ys.rows(0, 2).into_owned());
        let gap = (least_squares(&xs2, &ys2) - iterative_newton(&xs2, &ys2, 60)).norm();
        assert!(gap < 1e-9, "{gap}");
    }

    #[test]
    fn paths_record_the_same_iterates_as_single_runs() {
        let (xs, ys) = problem();
        let newton = newton_path(&xs, &ys, 6);
        assert_eq!(newton.len(), 7);
        for (t, w) in newton.iter().enumerate() {
            assert!(
                (w - iterative_newton(&xs, &ys, t as u32)).norm() < 1e-12,
                "T = {t}"
            );
        }
        let at = [0, 1, 5, 40];
        for (w, &t) in gd_path(&xs, &ys, &at, GdStep::Optimal).iter().zip(&at) {
            assert!(
                (w - gradient_descent(&xs, &ys, t)).norm() < 1e-12,
                "T = {t}"
            );
        }
    }

    /// The fixed step is the reference's: `w₁ = η Xᵀy` from zero, whatever the prompt.
    #[test]
    fn a_fixed_step_is_the_same_step_for_every_prompt() {
        let (xs, ys) = problem();
        let w = gd_path(&xs, &ys, &[1], GdStep::Fixed(0.01)).remove(0);
        assert!((w - xs.transpose() * &ys * 0.01).norm() < 1e-15);
        let far = gd_path(&xs, &ys, &[20_000], GdStep::Fixed(0.01)).remove(0);
        assert!((far - least_squares(&xs, &ys)).norm() < 1e-6);
    }

    #[test]
    fn gradient_descent_approaches_least_squares() {
        let (xs, ys) = problem();
        let ls = least_squares(&xs, &ys);
        let few = (gradient_descent(&xs, &ys, 2) - &ls).norm();
        let many = (gradient_descent(&xs, &ys, 2000) - &ls).norm();
        assert!(many < 1e-6 && few > many, "{few} {many}");
        assert_eq!(gradient_descent(&xs, &ys, 0).norm(), 0.0);
    }
}
