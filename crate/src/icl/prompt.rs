//! Prompt batches: the numbers of `(x_1, f(x_1), …, x_k, f(x_k))`, kept on the host so baselines
//! and the model see the same prompts. How they become tokens is [`TokenLayout`]'s business.

use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;

use super::tokens::TokenLayout;
use super::{FunctionClass, TaskPool};

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
        Self::sample_active(class, None, rng, batch, points, dims, dims)
    }

    /// As [`Self::sample`], with only the first `active` coordinates non-zero (the dimension
    /// curriculum of SCIENCE.md §1: "coordinates beyond the current dimension are zero"), and
    /// each prompt's function drawn from `pool` when there is one (SCIENCE.md §5).
    pub fn sample_active(
        class: &dyn FunctionClass,
        pool: Option<&TaskPool>,
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
            let f = match pool {
                Some(pool) => pool.function(class, pool.draw(rng), active),
                None => class.sample_function(rng, active),
            };
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

    /// The tokens of this batch in `layout`.
    pub fn tokens(&self, layout: TokenLayout, device: &Device) -> Tensor<3> {
        layout.tokens(self, device)
    }

    /// Targets, `[batch, points]`.
    pub fn targets(&self, device: &Device) -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(self.ys.clone(), [self.batch, self.points]),
            device,
        )
    }
}

/// One draw of `N(0, std²)`, or exactly 0 without drawing when `std` is 0.
pub fn noise_draw(rng: &mut StdRng, std: f64) -> f32 {
    if std == 0.0 {
        return 0.0;
    }
    std as f32 * rng.sample::<f32, _>(StandardNormal)
}

/// Prompts given by a user (`iclab predict --input`): `xs[b][i]` is the i-th input of prompt
/// `b` (`dims` numbers), `ys[b][i]` its output.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptInput {
    pub xs: Vec<Vec<Vec<f64>>>,
    pub ys: Vec<Vec<f64>>,
}

/// A user-given number as f32: finite and within ±1e6 (so f32 keeps it meaningful).
fn input_number(v: f64, field: impl FnOnce() -> String) -> crate::Result<f32> {
    if !v.is_finite() || v.abs() > 1e6 {
        return Err(crate::Error::invalid(
            field(),
            format!("must be a finite number within ±1e6, got {v}"),
        ));
    }
    Ok(v as f32)
}

impl PromptInput {
    /// Checks the shapes and values and packs the prompts; errors name the offending entry
    /// (`xs[2][0]`, `ys[1]`).
    pub fn into_batch(self, dims: usize, max_points: usize) -> crate::Result<PromptBatch> {
        use crate::Error;
        let batch = self.xs.len();
        if batch == 0 {
            return Err(Error::invalid("xs", "needs at least one prompt"));
        }
        if self.ys.len() != batch {
            return Err(Error::invalid(
                "ys",
                format!("has {} prompts, xs has {batch}", self.ys.len()),
            ));
        }
        let points = self.xs[0].len();
        if points == 0 || points > max_points {
            return Err(Error::invalid(
                "xs[0]",
                format!("has {points} inputs; the model reads 1 to {max_points}"),
            ));
        }
        let mut xs = Vec::with_capacity(batch * points * dims);
        let mut ys = Vec::with_capacity(batch * points);
        for (b, (prompt_xs, prompt_ys)) in self.xs.iter().zip(&self.ys).enumerate() {
            if prompt_xs.len() != points {
                return Err(Error::invalid(
                    format!("xs[{b}]"),
                    format!("has {} inputs, prompt 0 has {points}", prompt_xs.len()),
                ));
            }
            if prompt_ys.len() != points {
                return Err(Error::invalid(
                    format!("ys[{b}]"),
                    format!("has {} outputs for {points} inputs", prompt_ys.len()),
                ));
            }
            for (i, x) in prompt_xs.iter().enumerate() {
                if x.len() != dims {
                    return Err(Error::invalid(
                        format!("xs[{b}][{i}]"),
                        format!("has {} numbers, the model's inputs have {dims}", x.len()),
                    ));
                }
                for (j, &v) in x.iter().enumerate() {
                    xs.push(input_number(v, || format!("xs[{b}][{i}][{j}]"))?);
                }
            }
            for (i, &y) in prompt_ys.iter().enumerate() {
                ys.push(input_number(y, || format!("ys[{b}][{i}]"))?);
            }
        }
        Ok(PromptBatch {
            batch,
            points,
            dims,
            xs,
            ys,
        })
    }
}
