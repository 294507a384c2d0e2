//! Lasso by cyclic coordinate descent on scikit-learn's objective
//! `(1/2k)‖y − Xw‖² + α‖w‖₁`, no intercept (as the reference fits it).

use nalgebra::{DMatrix, DVector};

/// Sweeps at most. Default 1000, scikit-learn's `max_iter`.
const MAX_SWEEPS: usize = 1000;
/// Stop when no coordinate moves more than this. 1e-8: far below plotted precision.
const TOLERANCE: f64 = 1e-8;

fn soft_threshold(z: f64, t: f64) -> f64 {
    z.signum() * (z.abs() - t).max(0.0)
}

pub fn lasso(xs: &DMatrix<f64>, ys: &DVector<f64>, alpha: f64) -> DVector<f64> {
    let (k, d) = (xs.nrows() as f64, xs.ncols());
    let mut w: DVector<f64> = DVector::zeros(d);
    let mut residual = ys.clone();
    let col_sq: Vec<f64> = (0..d).map(|j| xs.column(j).norm_squared() / k).collect();
    for _ in 0..MAX_SWEEPS {
        let mut max_change: f64 = 0.0;
        for j in 0..d {
            if col_sq[j] == 0.0 {
                continue;
            }
            let col = xs.column(j);
            let rho = col.dot(&residual) / k + col_sq[j] * w[j];
            let new = soft_threshold(rho, alpha) / col_sq[j];
            let change = new - w[j];
            if change != 0.0 {
                residual.axpy(-change, &col, 1.0);
                w[j] = new;
                max_change = max_change.max(change.abs());
            }
        }
        if max_change < TOLERANCE {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dimension_by_hand() {
        // x = (1, 1), y = (1, 3): least squares w = 2; lasso w = 2 − α/(Σx²/k) = 2 − 0.5
        let xs = DMatrix::from_row_slice(2, 1, &[1.0, 1.0]);
        let ys = DVector::from_vec(vec![1.0, 3.0]);
        assert!((lasso(&xs, &ys, 0.5)[0] - 1.5).abs() < 1e-12);
        assert_eq!(lasso(&xs, &ys, 5.0)[0], 0.0);
    }

    #[test]
    fn recovers_a_sparse_vector() {
        let xs = DMatrix::from_fn(6, 4, |i, j| {
            ((i * 7 + j * 3) % 5) as f64 - 2.0 + 0.1 * j as f64
        });
        let w_true = DVector::from_vec(vec![0.0, 2.0, 0.0, -1.0]);
        let ys = &xs * &w_true;
        let w = lasso(&xs, &ys, 1e-4);
        assert!((w - w_true).norm() < 1e-2);
    }
}
