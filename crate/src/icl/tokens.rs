//! How a prompt becomes tokens (docs/SCIENCE.md §1 and §1a).
//!
//! - [`TokenLayout::Interleaved`], the reference layout of Garg et al.: `[x_1, y_1, x_2, y_2, …]`,
//!   2·k tokens of width d; an x token is the d-vector, a y token is zero except its first entry.
//!   The model's output at `x_i` predicts `y_i`. Before it can learn in context the model must
//!   learn to pair each y token with the x token before it, which is the loss plateau of the
//!   reference runs (thousands of steps at d = 5).
//! - [`TokenLayout::Paired`]: one token per example, `t_i = [x_i ; x_{i−1} ; y_{i−1}]`, k tokens
//!   of width 2d + 1 (`x_0`, `y_0` are zeros). The output at `t_i` predicts `y_i`: token i holds
//!   the query and the previous example already paired, so no y_i ever reaches the token that
//!   predicts it and the pairing need not be learned.
//!
//! Either way the model makes one prediction per x position, `[batch, points]`, so losses,
//! evaluations and baselines do not depend on the layout.

use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::PromptBatch;

/// How prompts are laid out as tokens; part of the model's config (and of every checkpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenLayout {
    /// `[x_1, y_1, x_2, y_2, …]`, as the reference code. Default: what the papers' results and
    /// the shipped checkpoints use.
    #[default]
    Interleaved,
    /// `[x_i ; x_{i−1} ; y_{i−1}]`, one token per example: learns without the plateau, on half the
    /// tokens.
    Paired,
}

impl TokenLayout {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Interleaved => "interleaved: x₁, y₁, x₂, y₂, … (the papers')",
            Self::Paired => "paired: one token per example",
        }
    }

    pub const ALL: [Self; 2] = [Self::Interleaved, Self::Paired];

    pub fn name(self) -> &'static str {
        match self {
            Self::Interleaved => "interleaved",
            Self::Paired => "paired",
        }
    }

    /// Numbers per token for prompts of `dims` inputs: the model's read-in width.
    pub fn width(self, dims: usize) -> usize {
        match self {
            Self::Interleaved => dims,
            Self::Paired => 2 * dims + 1,
        }
    }

    /// Tokens of a prompt of `points` examples: the model's sequence length.
    pub fn seq_len(self, points: usize) -> usize {
        match self {
            Self::Interleaved => 2 * points,
            Self::Paired => points,
        }
    }

    /// The tokens of `batch`, `[batch, seq_len(points), width(dims)]`.
    pub fn tokens(self, batch: &PromptBatch, device: &Device) -> Tensor<3> {
        let (d, k, w) = (batch.dims, batch.points, self.width(batch.dims));
        let seq = self.seq_len(k);
        let mut data = vec![0.0f32; batch.batch * seq * w];
        for b in 0..batch.batch {
            let (xs, ys) = batch.prompt(b);
            for i in 0..k {
                let x = &xs[i * d..(i + 1) * d];
                match self {
                    Self::Interleaved => {
                        let x_at = (b * seq + 2 * i) * w;
                        data[x_at..x_at + d].copy_from_slice(x);
                        data[x_at + w] = ys[i];
                    }
                    Self::Paired => {
                        let at = (b * seq + i) * w;
                        data[at..at + d].copy_from_slice(x);
                        if i > 0 {
                            data[at + d..at + 2 * d].copy_from_slice(&xs[(i - 1) * d..i * d]);
                            data[at + 2 * d] = ys[i - 1];
                        }
                    }
                }
            }
        }
        Tensor::from_data(TensorData::new(data, [batch.batch, seq, w]), device)
    }

    /// The predictions of `y_1 … y_k` among the model's per-token outputs.
    ///
    /// # Shapes
    /// - per_token: `[batch, seq_len(points)]` → `[batch, points]`
    pub fn predictions(self, per_token: Tensor<2>) -> Tensor<2> {
        match self {
            Self::Interleaved => {
                let [batch, seq] = per_token.dims();
                let points = seq / 2;
                per_token
                    .reshape([batch, points, 2])
                    .slice([0..batch, 0..points, 0..1])
                    .reshape([batch, points])
            }
            Self::Paired => per_token,
        }
    }

    /// The tokens that predict `y_1 … y_k` among a stream of per-token vectors (a layer's
    /// residual stream): the x tokens interleaved, every token paired.
    ///
    /// # Shapes
    /// - stream: `[batch, seq_len(points), width]` → `[batch, points, width]`
    pub fn prediction_rows(self, stream: Tensor<3>) -> Tensor<3> {
        match self {
            Self::Interleaved => {
                let [batch, seq, width] = stream.dims();
                let points = seq / 2;
                stream
                    .reshape([batch, points, 2 * width])
                    .slice([0..batch, 0..points, 0..width])
            }
            Self::Paired => stream,
        }
    }
}
