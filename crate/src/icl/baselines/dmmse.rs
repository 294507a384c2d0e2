//! dMMSE (Raventós et al. 2023; SCIENCE.md §5): the Bayes-optimal prediction when the task is
//! one of the pool's M functions, each equally likely a priori. After k examples the posterior
//! over the pool is `p_m ∝ exp(−Σ_{i<k} (y_i − f_m(x_i))² / 2σ²)` and the prediction at the query
//! is `Σ_m p_m f_m(x_query)`; with no example it is the pool's mean prediction. Computed in f64 in
//! log space (the largest log-weight is subtracted before exponentiating), so a posterior that
//! concentrates on one task is exact rather than 0/0.

use crate::icl::Function;
use crate::icl::probe::EvalSet;

/// σ² below this is treated as this: a noiseless class's posterior then keeps only the tasks
/// that fit the examples (to f32 precision), as the σ → 0 limit does.
pub const MIN_NOISE_VAR: f64 = 1e-6;

/// dMMSE's prediction for every prompt and k of `set`, `[batch, points]`, against the pool's
/// functions (evaluated on the set's `dims`), with output-noise variance `noise_var`.
///
/// The functions are read one at a time, each once ([`Posterior`]), so memory does not grow
/// with M — a pool of 2²⁰ ReLU networks never exists at once.
pub fn predictions(
    set: &EvalSet,
    functions: impl IntoIterator<Item = Function>,
    noise_var: f64,
) -> Vec<f64> {
    let mut posterior = Posterior::new(set, noise_var);
    for f in functions {
        posterior.add(set, &f);
    }
    posterior.predictions()
}

/// The posterior mean over the functions added so far, for every prompt and k of one set: per
/// prompt and k a running log-sum-exp (the largest log-weight so far, and the weighted sums
/// scaled to it). Functions can be added a block at a time, so a caller can give way between.
pub struct Posterior {
    var: f64,
    top: Vec<f64>,
    num: Vec<f64>,
    den: Vec<f64>,
}

impl Posterior {
    pub fn new(set: &EvalSet, noise_var: f64) -> Self {
        let n = set.prompts.batch * set.prompts.points;
        Self {
            var: noise_var.max(MIN_NOISE_VAR),
            top: vec![f64::NEG_INFINITY; n],
            num: vec![0.0; n],
            den: vec![0.0; n],
        }
    }

    /// Adds one of the pool's functions to the posterior of every prompt and k of `set`.
    pub fn add(&mut self, set: &EvalSet, f: &Function) {
        let (batch, points, dims) = (set.prompts.batch, set.prompts.points, set.prompts.dims);
        let (top, num, den) = (&mut self.top, &mut self.num, &mut self.den);
        for b in 0..batch {
            let (xs, ys) = set.prompts.prompt(b);
            // this task's squared residual on the examples before k
            let mut residual = 0.0f64;
            for k in 0..points {
                let at = b * points + k;
                let lw = -residual / (2.0 * self.var);
                if lw > top[at] {
                    let scale = (top[at] - lw).exp();
                    num[at] *= scale;
                    den[at] *= scale;
                    top[at] = lw;
                }
                let w = (lw - top[at]).exp();
                let (q, _) = set.query(b, k);
                num[at] += w * f64::from(f(q));
                den[at] += w;
                // example k joins the context for the next prediction
                let x = &xs[k * dims..(k + 1) * dims];
                residual += (f64::from(ys[k]) - f64::from(f(x))).powi(2);
            }
        }
    }

    /// The posterior mean for every prompt and k, `[batch, points]`.
    pub fn predictions(self) -> Vec<f64> {
        self.num
            .iter()
            .zip(&self.den)
            .map(|(&a, &d)| if d > 0.0 { a / d } else { 0.0 })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::PromptBatch;

    fn linear(w: Vec<f32>) -> Function {
        Box::new(move |x: &[f32]| w.iter().zip(x).map(|(a, b)| a * b).sum())
    }

    /// One prompt in 1-D with the given inputs and outputs; queries are the prompt's own inputs.
    fn set(xs: Vec<f32>, ys: Vec<f32>) -> EvalSet {
        let points = xs.len();
        EvalSet {
            prompts: PromptBatch {
                batch: 1,
                points,
                dims: 1,
                xs,
                ys,
            },
            queries: None,
        }
    }

    #[test]
    fn with_one_task_it_is_that_task() {
        // M = 1: the posterior is the pool's only task, whatever the examples say
        let pool = vec![linear(vec![2.0])];
        let p = predictions(&set(vec![1.0, -3.0, 0.5], vec![5.0, 1.0, 0.0]), pool, 0.25);
        assert_eq!(p, vec![2.0, -6.0, 1.0]);
    }

    #[test]
    fn two_tasks_by_hand() {
        // tasks w = 1 and w = −1, σ² = 0.5; example (x = 1, y = 1) then query x = 2
        let pool = vec![linear(vec![1.0]), linear(vec![-1.0])];
        let p = predictions(&set(vec![1.0, 2.0], vec![1.0, 0.0]), pool, 0.5);
        // k = 0: the pool's mean, 0
        assert!(p[0].abs() < 1e-12, "{p:?}");
        // k = 1: residuals 0 and (1 − (−1))² = 4 → weights 1 and e^{−4/(2·0.5)} = e^{−4}
        let w = (-4.0f64).exp();
        let expected = (2.0 - 2.0 * w) / (1.0 + w);
        assert!((p[1] - expected).abs() < 1e-9, "{} vs {expected}", p[1]);
    }

    #[test]
    fn noiseless_examples_pick_the_consistent_task() {
        let pool = vec![linear(vec![0.5]), linear(vec![3.0]), linear(vec![-2.0])];
        let p = predictions(&set(vec![1.0, 4.0], vec![3.0, 12.0]), pool, 0.0);
        assert!((p[1] - 12.0).abs() < 1e-9, "{p:?}");
    }

    /// The running log-sum-exp reads the pool in any order to the same posterior.
    #[test]
    fn the_pool_order_does_not_matter() {
        let ws = [0.5f32, 3.0, -2.0, 1.1, 0.9];
        let prompt = || set(vec![1.0, 4.0, -0.5, 2.0], vec![1.0, 4.2, -0.6, 2.1]);
        let forward = predictions(&prompt(), ws.iter().map(|&w| linear(vec![w])), 0.1);
        let backward = predictions(&prompt(), ws.iter().rev().map(|&w| linear(vec![w])), 0.1);
        for (a, b) in forward.iter().zip(&backward) {
            assert!((a - b).abs() < 1e-9, "{forward:?} vs {backward:?}");
        }
    }
}
