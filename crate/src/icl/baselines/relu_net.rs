//! A 2-layer ReLU network fitted to one prompt's examples (the reference's baseline for the
//! ReLU-net class): `ŷ = Σ_j a_j ReLU(w_jᵀx + b_j) + c`, full-batch mean squared error, Adam
//! (β = 0.9, 0.999), PyTorch's default initialization `U(±1/√fan_in)`.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use nalgebra::{DMatrix, DVector};

use super::BaselineOptions;

struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    fn new(n: usize) -> Self {
        Self {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64], lr: f64) {
        const B1: f64 = 0.9;
        const B2: f64 = 0.999;
        self.t += 1;
        let (c1, c2) = (1.0 - B1.powi(self.t), 1.0 - B2.powi(self.t));
        for i in 0..params.len() {
            self.m[i] = B1 * self.m[i] + (1.0 - B1) * grads[i];
            self.v[i] = B2 * self.v[i] + (1.0 - B2) * grads[i] * grads[i];
            params[i] -= lr * (self.m[i] / c1) / ((self.v[i] / c2).sqrt() + 1e-8);
        }
    }
}

/// A network fitted to one prompt's examples; it answers any query.
pub struct Net {
    /// Layout: `[w (h·d) | b (h) | a (h) | c (1)]`.
    p: Vec<f64>,
    d: usize,
    h: usize,
}

impl Net {
    /// Fits `options.net_steps` full-batch Adam steps to `xs` `[k, d]`, `ys` `[k]`, from the
    /// initialization `seed` draws.
    pub fn fit(xs: &DMatrix<f64>, ys: &DVector<f64>, seed: u64, options: &BaselineOptions) -> Self {
        let (k, d, h) = (xs.nrows(), xs.ncols(), options.net_hidden as usize);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut uniform = |fan_in: usize| {
            let bound = 1.0 / (fan_in as f64).sqrt();
            rng.random_range(-bound..bound)
        };
        let (w_at, b_at, a_at, c_at) = (0, h * d, h * d + h, h * d + 2 * h);
        let mut p = vec![0.0; c_at + 1];
        for v in &mut p[..a_at] {
            *v = uniform(d);
        }
        for v in &mut p[a_at..] {
            *v = uniform(h);
        }
        let rows: Vec<Vec<f64>> = (0..k)
            .map(|i| xs.row(i).iter().copied().collect())
            .collect();
        let mut adam = Adam::new(p.len());
        let mut grads = vec![0.0; p.len()];
        let mut hidden = vec![0.0; h];
        for _ in 0..options.net_steps {
            grads.fill(0.0);
            for (x, y) in rows.iter().zip(ys.iter()) {
                let mut out = p[c_at];
                for j in 0..h {
                    let pre: f64 =
                        p[b_at + j] + (0..d).map(|i| p[w_at + j * d + i] * x[i]).sum::<f64>();
                    hidden[j] = pre.max(0.0);
                    out += p[a_at + j] * hidden[j];
                }
                let g = 2.0 * (out - y) / k as f64; // d(mean sq)/d out
                grads[c_at] += g;
                for j in 0..h {
                    grads[a_at + j] += g * hidden[j];
                    if hidden[j] > 0.0 {
                        let gh = g * p[a_at + j];
                        grads[b_at + j] += gh;
                        for i in 0..d {
                            grads[w_at + j * d + i] += gh * x[i];
                        }
                    }
                }
            }
            adam.step(&mut p, &grads, options.net_learning_rate);
        }
        Self { p, d, h }
    }

    /// The fitted network's output at `q`.
    pub fn predict(&self, q: &DVector<f64>) -> f64 {
        let (p, d, h) = (&self.p, self.d, self.h);
        let (w_at, b_at, a_at, c_at) = (0, h * d, h * d + h, h * d + 2 * h);
        p[c_at]
            + (0..h)
                .map(|j| {
                    let pre: f64 =
                        p[b_at + j] + (0..d).map(|i| p[w_at + j * d + i] * q[i]).sum::<f64>();
                    p[a_at + j] * pre.max(0.0)
                })
                .sum::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_a_relu_by_adam() {
        // y = ReLU(x): 8 points in 1-D; the fitted net should interpolate x = 0.5 well.
        let xs = DMatrix::from_row_slice(8, 1, &[-2.0, -1.5, -1.0, -0.5, 0.25, 1.0, 1.5, 2.0]);
        let ys = xs.map(|x: f64| x.max(0.0)).column(0).into_owned();
        let query = DVector::from_vec(vec![0.5]);
        let options = BaselineOptions {
            net_steps: 500,
            net_learning_rate: 1e-2,
            ..Default::default()
        };
        let pred = Net::fit(&xs, &ys, 1, &options).predict(&query);
        assert!((pred - 0.5).abs() < 0.1, "{pred}");
        let again = Net::fit(&xs, &ys, 1, &options).predict(&query);
        assert_eq!(pred, again, "seeded");
    }
}
