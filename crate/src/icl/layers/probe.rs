//! A linear probe on one layer's residual stream: ridge regression fitted in f64 (nalgebra) and
//! applied to held-out streams.

use nalgebra::{DMatrix, DVector};

use crate::{Error, Result};

/// A linear probe `ŷ = wᵀ[z; 1]` fitted by ridge on rows `z` of width `width`:
/// `(ZᵀZ + λ·tr(ZᵀZ)/D·I) w = Zᵀy` over the features (the bias is not penalized).
pub fn fit_probe(features: &[f32], width: usize, targets: &[f64], ridge: f64) -> Result<Vec<f64>> {
    let n = targets.len();
    if width == 0 || features.len() != n * width || n == 0 {
        return Err(Error::invalid(
            "features",
            format!(
                "{} numbers do not make {n} rows of width {width}",
                features.len()
            ),
        ));
    }
    let dim = width + 1;
    let mut gram = DMatrix::<f64>::zeros(dim, dim);
    let mut zty = DVector::<f64>::zeros(dim);
    let mut row = DVector::<f64>::zeros(dim);
    for (i, &y) in targets.iter().enumerate() {
        for (j, &v) in features[i * width..(i + 1) * width].iter().enumerate() {
            row[j] = f64::from(v);
        }
        row[width] = 1.0;
        gram.ger(1.0, &row, &row, 1.0);
        zty.axpy(y, &row, 1.0);
    }
    let trace: f64 = (0..width).map(|j| gram[(j, j)]).sum();
    let lambda = ridge * trace / width as f64;
    for j in 0..width {
        gram[(j, j)] += lambda.max(1e-12);
    }
    let w = gram
        .clone()
        .cholesky()
        .map(|c| c.solve(&zty))
        .or_else(|| gram.svd(true, true).solve(&zty, 1e-12).ok())
        .ok_or_else(|| Error::backend("the probe's normal equations could not be solved"))?;
    if w.iter().any(|v| !v.is_finite()) {
        return Err(Error::backend("the probe's weights are not finite"));
    }
    Ok(w.iter().copied().collect())
}

/// The probe's prediction for each row.
pub fn apply_probe(weights: &[f64], features: &[f32], width: usize) -> Vec<f64> {
    features
        .chunks_exact(width)
        .map(|z| {
            z.iter()
                .zip(weights)
                .map(|(&v, w)| f64::from(v) * w)
                .sum::<f64>()
                + weights[width]
        })
        .collect()
}
