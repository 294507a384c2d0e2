//! Closed-form linear estimators: least squares, ridge, averaging.

use nalgebra::{DMatrix, DVector};

/// Minimum-norm least squares `X⁺y` via the SVD: the interpolating `w` of least norm when
/// `k < d`, the ordinary solution when `k ≥ d`. Singular values below `1e-10·σ_max` count as zero.
pub fn least_squares(xs: &DMatrix<f64>, ys: &DVector<f64>) -> DVector<f64> {
    let svd = xs.clone().svd(true, true);
    let cutoff = 1e-10 * svd.singular_values.max();
    svd.solve(ys, cutoff)
        .unwrap_or_else(|_| DVector::zeros(xs.ncols()))
}

/// Ridge regression `(XᵀX + αI)⁻¹Xᵀy`.
pub fn ridge(xs: &DMatrix<f64>, ys: &DVector<f64>, alpha: f64) -> DVector<f64> {
    let d = xs.ncols();
    let gram = xs.transpose() * xs + DMatrix::identity(d, d) * alpha;
    let rhs = xs.transpose() * ys;
    match gram.cholesky() {
        Some(chol) => chol.solve(&rhs),
        None => DVector::zeros(d),
    }
}

/// Averaging estimator `ŵ = (1/k) Σ y_i x_i` (Garg et al.; optimal only for tiny k).
pub fn averaging(xs: &DMatrix<f64>, ys: &DVector<f64>) -> DVector<f64> {
    xs.transpose() * ys / xs.nrows() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_is_minimum_norm_below_d() {
        // one example in 2-D: x = (1, 1), y = 2 → minimum-norm w = (1, 1)
        let xs = DMatrix::from_row_slice(1, 2, &[1.0, 1.0]);
        let ys = DVector::from_vec(vec![2.0]);
        let w = least_squares(&xs, &ys);
        assert!(
            (w[0] - 1.0).abs() < 1e-12 && (w[1] - 1.0).abs() < 1e-12,
            "{w}"
        );
    }

    #[test]
    fn averaging_by_hand() {
        let xs = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 2.0]);
        let ys = DVector::from_vec(vec![3.0, 4.0]);
        // (3·(1,0) + 4·(0,2)) / 2 = (1.5, 4)
        assert_eq!(averaging(&xs, &ys).as_slice(), &[1.5, 4.0]);
    }

    #[test]
    fn ridge_shrinks_by_hand() {
        // 1-D: w = Σxy / (Σx² + α) = (1·2 + 2·4) / (1 + 4 + 5) = 1
        let xs = DMatrix::from_row_slice(2, 1, &[1.0, 2.0]);
        let ys = DVector::from_vec(vec![2.0, 4.0]);
        assert!((ridge(&xs, &ys, 5.0)[0] - 1.0).abs() < 1e-12);
    }
}
