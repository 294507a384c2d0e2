//! k-nearest neighbours with uniform weights (Garg et al.: 3 neighbours; fewer when fewer
//! examples exist).

use nalgebra::{DMatrix, DVector};

pub fn predict(xs: &DMatrix<f64>, ys: &DVector<f64>, query: &DVector<f64>, neighbors: u32) -> f64 {
    let mut dist: Vec<(f64, usize)> = (0..xs.nrows())
        .map(|i| ((xs.row(i).transpose() - query).norm_squared(), i))
        .collect();
    // Ties go to the earlier example, so results do not depend on sort stability.
    dist.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let n = (neighbors as usize).min(dist.len());
    dist[..n].iter().map(|&(_, i)| ys[i]).sum::<f64>() / n.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        let xs = DMatrix::from_row_slice(4, 1, &[0.0, 1.0, 5.0, 10.0]);
        let ys = DVector::from_vec(vec![1.0, 2.0, 3.0, 4.0]);
        let q = DVector::from_vec(vec![0.9]);
        assert_eq!(predict(&xs, &ys, &q, 1), 2.0);
        assert_eq!(predict(&xs, &ys, &q, 2), 1.5);
        assert_eq!(predict(&xs, &ys, &q, 3), 2.0);
        assert_eq!(predict(&xs, &ys, &q, 9), 2.5);
    }
}
