//! Small layers shared by the xLSTM blocks (docs/SCIENCE.md §2): head-wise block-diagonal
//! projections, a causal depthwise convolution and a per-head LayerNorm, plus the reference
//! initializations. Each keeps the reference code's parameter layout so a checkpoint maps onto
//! NX-AI/xlstm by name and shape.

use burn::module::{Module, Param};
use burn::tensor::{Device, Distribution, Tensor};

/// `N(0, std²)` weights of `shape` as a parameter.
pub fn normal<const D: usize>(shape: [usize; D], std: f64, device: &Device) -> Param<Tensor<D>> {
    Param::from_tensor(Tensor::random(
        shape,
        Distribution::Normal(0.0, std),
        device,
    ))
}

/// The reference's "small init" (Nguyen & Salazar 2019): std = √(2 / (5·dim)).
pub fn small_init_std(dim: usize) -> f64 {
    (2.0 / (5.0 * dim as f64)).sqrt()
}

/// The reference's "Wang init" for output projections: std = 2 / (blocks · √dim).
pub fn wang_init_std(dim: usize, blocks: usize) -> f64 {
    2.0 / blocks.max(1) as f64 / (dim as f64).sqrt()
}

/// A block-diagonal linear map without bias: `heads` independent `[in/heads → out/heads]`
/// blocks (the reference's `LinearHeadwiseExpand` with expansion 1).
///
/// Tensor `weight`: `[heads, out_per_head, in_per_head]`, as the reference stores it.
#[derive(Module, Debug)]
pub struct HeadwiseLinear {
    pub weight: Param<Tensor<3>>,
}

impl HeadwiseLinear {
    pub fn new(features: usize, heads: usize, std: f64, device: &Device) -> Self {
        let per = features / heads;
        Self {
            weight: normal([heads, per, per], std, device),
        }
    }

    /// # Shapes
    /// - x: `[batch, seq, features]` → `[batch, seq, features]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, s, f] = x.dims();
        let [heads, out, per] = self.weight.dims();
        let x = x.reshape([b * s, heads, per]).swap_dims(0, 1); // [heads, b·s, per]
        let y = x.matmul(self.weight.val().swap_dims(1, 2)); // [heads, b·s, out]
        debug_assert_eq!(heads * per, f);
        y.swap_dims(0, 1).reshape([b, s, heads * out])
    }
}

/// Causal depthwise 1-D convolution over the sequence: `y_t = b + Σ_j w[:, j] ⊙ x_{t−K+1+j}`
/// with zeros before the first token (PyTorch `Conv1d(groups=C)` with left padding K − 1).
///
/// Tensors: `weight` `[channels, kernel]` (PyTorch's `[C, 1, K]` without the middle axis),
/// `bias` `[channels]`.
#[derive(Module, Debug)]
pub struct CausalConv {
    pub weight: Param<Tensor<2>>,
    pub bias: Param<Tensor<1>>,
}

impl CausalConv {
    /// PyTorch's default init: U(−1/√K, 1/√K) for weight and bias (fan-in K per channel).
    pub fn new(channels: usize, kernel: usize, device: &Device) -> Self {
        let bound = 1.0 / (kernel as f64).sqrt();
        let uniform = Distribution::Uniform(-bound, bound);
        Self {
            weight: Param::from_tensor(Tensor::random([channels, kernel], uniform, device)),
            bias: Param::from_tensor(Tensor::random([channels], uniform, device)),
        }
    }

    pub fn kernel(&self) -> usize {
        self.weight.dims()[1]
    }

    /// Convolves `x` given the `K − 1` inputs before it (`history`, zeros at the start) and
    /// returns the output with the last `K − 1` inputs, the state for the next call.
    ///
    /// # Shapes
    /// - x: `[batch, seq, channels]`, history: `[batch, K − 1, channels]`
    /// - output: `[batch, seq, channels]`, `[batch, K − 1, channels]`
    pub fn forward_with(&self, x: Tensor<3>, history: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let [b, s, c] = x.dims();
        let k = self.kernel();
        let padded = Tensor::cat(vec![history, x], 1); // [b, s + k − 1, c]
        let weight = self.weight.val(); // [c, k]
        let mut y = self.bias.val().reshape([1, 1, c]);
        for j in 0..k {
            let tap = weight.clone().slice([0..c, j..j + 1]).reshape([1, 1, c]);
            y = y + padded.clone().slice([0..b, j..j + s, 0..c]) * tap;
        }
        let state = padded.slice([0..b, s..s + k - 1, 0..c]);
        (y, state)
    }

    /// Zero history for a fresh sequence.
    pub fn empty_history(&self, batch: usize, device: &Device) -> Tensor<3> {
        let [c, k] = self.weight.dims();
        Tensor::zeros([batch, k - 1, c], device)
    }
}

/// LayerNorm applied to each head's features separately, scaled by a per-feature `weight`,
/// no bias (the reference's `MultiHeadLayerNorm`, i.e. a group norm with one group per head).
///
/// Tensor `weight`: `[heads · head_dim]`. The reference stores it as an offset from 1
/// (`1 + weight`, initialized at 0); iclab stores the effective scale (initialized at 1).
#[derive(Module, Debug)]
pub struct MultiHeadNorm {
    pub weight: Param<Tensor<1>>,
    heads: usize,
}

pub const NORM_EPS: f64 = 1e-5;

impl MultiHeadNorm {
    pub fn new(features: usize, heads: usize, device: &Device) -> Self {
        Self {
            weight: Param::from_tensor(Tensor::ones([features], device)),
            heads,
        }
    }

    /// # Shapes
    /// - x: `[batch, seq, heads · head_dim]` → same
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, s, f] = x.dims();
        let h = self.heads;
        let x = x.reshape([b, s, h, f / h]);
        let mean = x.clone().mean_dim(3);
        let centered = x - mean;
        let var = centered.clone().powi_scalar(2).mean_dim(3);
        let normed = centered / (var + NORM_EPS).sqrt();
        normed.reshape([b, s, f]) * self.weight.val().reshape([1, 1, f])
    }
}
