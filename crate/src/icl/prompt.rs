//! Prompt batches and their token layout.
//!
//! Layout of the reference code (SCIENCE.md §1): tokens interleave `[x_1, y_1, x_2, y_2, …]`;
//! an x token is the d-vector, a y token is a d-vector that is zero except its first entry.
//! Predictions are read at the x positions: the output at `x_i` predicts `y_i` from the pairs
//! before it.

use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;

use super::FunctionClass;

/// A batch of prompts, kept on the host so baselines and the model see the same numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptBatch {
    pub batch: usize,
    pub points: usize,
    pub dims: usize,
    /// `[batch, points, dims]`, row-major.
    pub xs: Vec<f32>,
    /// `[batch, points]`.
    pub ys: Vec<f32>,
}

impl PromptBatch {
    /// Draws `batch` prompts of `points` pairs from `class`, one function per prompt, all
    /// `dims` coordinates active.
    pub fn sample(
        class: &dyn FunctionClass,
        rng: &mut StdRng,
        batch: usize,
        points: usize,
        dims: usize,
    ) -> Self {
        Self::sample_active(class, rng, batch, points, dims, dims)
    }

    /// As [`Self::sample`], with only the first `active` coordinates non-zero (the dimension
    /// curriculum of SCIENCE.md §1: "coordinates beyond the current dimension are zero").
    pub fn sample_active(
        class: &dyn FunctionClass,
        rng: &mut StdRng,
        batch: usize,
        points: usize,
        dims: usize,
        active: usize,
    ) -> Self {
        let active = active.clamp(1, dims);
        let noise = class.output_noise();
        let mut xs = Vec::with_capacity(batch * points * dims);
        let mut ys = Vec::with_capacity(batch * points);
        for _ in 0..batch {
            let f = class.sample_function(rng, active);
            let mut prompt_xs = class.sample_inputs(rng, points, dims);
            for x in prompt_xs.chunks_exact_mut(dims) {
                x[active..].fill(0.0);
                ys.push(f(x) + noise_draw(rng, noise));
            }
            xs.extend(prompt_xs);
        }
        Self {
            batch,
            points,
            dims,
            xs,
            ys,
        }
    }

    /// Prompt `b`'s inputs, `[points, dims]`, and outputs.
    pub fn prompt(&self, b: usize) -> (&[f32], &[f32]) {
        let (k, d) = (self.points, self.dims);
        (
            &self.xs[b * k * d..(b + 1) * k * d],
            &self.ys[b * k..(b + 1) * k],
        )
    }

    /// Prompts `start..end` as their own batch.
    pub fn rows(&self, start: usize, end: usize) -> Self {
        let (k, d) = (self.points, self.dims);
        Self {
            batch: end - start,
            points: k,
            dims: d,
            xs: self.xs[start * k * d..end * k * d].to_vec(),
            ys: self.ys[start * k..end * k].to_vec(),
        }
    }

    /// Interleaved tokens, `[batch, 2 * points, dims]`.
    pub fn tokens(&self, device: &Device) -> Tensor<3> {
        let (d, k) = (self.dims, self.points);
        let mut data = vec![0.0f32; self.batch * 2 * k * d];
        for b in 0..self.batch {
            for i in 0..k {
                let src = (b * k + i) * d;
                let x_at = (b * 2 * k + 2 * i) * d;
                data[x_at..x_at + d].copy_from_slice(&self.xs[src..src + d]);
                data[x_at + d] = self.ys[b * k + i];
            }
        }
        Tensor::from_data(TensorData::new(data, [self.batch, 2 * k, d]), device)
    }

    /// Targets, `[batch, points]`.
    pub fn targets(&self, device: &Device) -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(self.ys.clone(), [self.batch, self.points]),
            device,
        )
    }
}

/// Picks the predictions at x positions out of per-token outputs.
///
/// # Shapes
/// - per_token: `[batch, 2 * points]` → `[batch, points]`
pub fn at_x_positions(per_token: Tensor<2>) -> Tensor<2> {
    let [batch, seq] = per_token.dims();
    let points = seq / 2;
    per_token
        .reshape([batch, points, 2])
        .slice([0..batch, 0..points, 0..1])
        .reshape([batch, points])
}

/// One draw of `N(0, std²)`, or exactly 0 without drawing when `std` is 0.
pub fn noise_draw(rng: &mut StdRng, std: f64) -> f32 {
    if std == 0.0 {
        return 0.0;
    }
    std as f32 * rng.sample::<f32, _>(StandardNormal)
}
