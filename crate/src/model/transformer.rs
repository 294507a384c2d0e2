//! The in-context learner of Garg et al. 2022 (docs/SCIENCE.md §1): a linear read-in from the
//! token dimension to `d_model`, learned positional embeddings, a causal GPT-2 style stack of
//! pre-LayerNorm blocks, a final LayerNorm and a linear read-out to one number per token.
//! Dropout is off, as in the reference. The MLP applies GELU's tanh approximation, the reference's
//! `gelu_new`, unless the config asks for another [`Activation`]; checkpoints written before iclab
//! followed the reference (format `iclab/transformer/1`) keep the exact (erf) GELU they were
//! trained with ([`Transformer::with_activation`]).
//!
//! Tensor names (what a checkpoint stores) follow the field names: `read_in.weight`,
//! `wpe.weight`, `blocks.{i}.ln_1.gamma`, `blocks.{i}.attn.qkv.weight`, … — `Linear` weights
//! are stored `[d_in, d_out]` (transpose them for PyTorch's `nn.Linear`).

use burn::config::Config;
use burn::module::Module;
use burn::nn::{
    Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::activation::{gelu, relu, sigmoid, softmax};
use burn::tensor::{Bool, Device, Tensor};

use super::Activation;

/// Shape of a transformer. Presets follow SCIENCE.md: `tiny` 3/64/2, `small` 6/128/4.
#[derive(Config, Debug)]
pub struct TransformerConfig {
    /// Token width: `d` for interleaved prompts, `2d + 1` for paired ones
    /// ([`crate::icl::TokenLayout::width`]).
    pub n_dims: usize,
    /// Longest prompt in tokens (2 per (x, y) pair interleaved, 1 paired); sizes the positional
    /// table.
    pub n_positions: usize,
    /// Number of blocks. Default: 3, the `tiny` preset, trainable in a browser.
    #[config(default = 3)]
    pub n_layers: usize,
    /// Residual width. Default: 64 (`tiny`).
    #[config(default = 64)]
    pub d_model: usize,
    /// Attention heads; must divide `d_model`. Default: 2 (`tiny`).
    #[config(default = 2)]
    pub n_heads: usize,
    /// Numbers the read-out gives per token: 1 for regression, the labels for the classifier of
    /// docs/SCIENCE.md §4. Default: 1.
    #[config(default = 1)]
    pub n_outputs: usize,
    /// The MLPs' nonlinearity. Default: GELU's tanh approximation, the reference's.
    #[config(default = "Activation::GeluTanh")]
    pub activation: Activation,
}

/// GPT-2's initialization scale (Hugging Face `GPT2Config.initializer_range`).
const GPT2_STD: f64 = 0.02;

/// A Linear initialized as GPT-2's `Conv1D` layers: weights `N(0, std²)`, biases 0.
fn gpt2_linear(d_in: usize, d_out: usize, std: f64, device: &Device) -> Linear {
    let mut linear = LinearConfig::new(d_in, d_out)
        .with_initializer(Initializer::Normal { mean: 0.0, std })
        .init(device);
    linear.bias = Some(Initializer::Zeros.init([d_out], device));
    linear
}

impl TransformerConfig {
    /// Initialized as the reference (docs/SCIENCE.md §1, Hugging Face `GPT2Model`): positional
    /// embedding and every weight inside the blocks `N(0, 0.02²)`, biases 0, LayerNorms 1 and 0,
    /// the residual output projections `N(0, (0.02/√(2·n_layers))²)`; the read-in and read-out
    /// are plain Linear layers, initialized as PyTorch's `nn.Linear` (uniform within
    /// ±1/√fan_in, which is burn's default too).
    pub fn init(&self, device: &Device) -> Transformer {
        let d = self.d_model;
        let residual_std = GPT2_STD / ((2 * self.n_layers) as f64).sqrt();
        Transformer {
            read_in: LinearConfig::new(self.n_dims, d).init(device),
            wpe: EmbeddingConfig::new(self.n_positions, d)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: GPT2_STD,
                })
                .init(device),
            blocks: (0..self.n_layers)
                .map(|_| {
                    BlockConfig::new(d, self.n_heads, residual_std, self.activation).init(device)
                })
                .collect(),
            ln_f: LayerNormConfig::new(d).init(device),
            read_out: LinearConfig::new(d, self.n_outputs).init(device),
        }
    }
}

#[derive(Module, Debug)]
pub struct Transformer {
    read_in: Linear,
    wpe: Embedding,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    read_out: Linear,
}

impl Transformer {
    /// The MLPs' nonlinearity.
    pub fn activation(&self) -> Activation {
        self.blocks
            .first()
            .map_or(Activation::default(), |b| b.mlp.activation)
    }

    /// The same weights with `activation` in every MLP: how a checkpoint of format
    /// `iclab/transformer/1` is restored (with the exact GELU it was trained with).
    pub fn with_activation(mut self, activation: Activation) -> Self {
        for block in &mut self.blocks {
            block.mlp.activation = activation;
        }
        self
    }

    /// Numbers per token it reads (the read-in's width).
    pub fn n_inputs(&self) -> usize {
        self.read_in.weight.dims()[0]
    }

    /// One prediction per token.
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]`
    /// - output: `[batch, seq]`
    pub fn forward(&self, tokens: Tensor<3>) -> Tensor<2> {
        let (mut x, mask) = self.embed(tokens);
        for block in &self.blocks {
            x = block.forward(x, mask.clone());
        }
        self.read_out_of(x)
    }

    /// The residual stream after the read-in (with positions) and after each block:
    /// `n_layers + 1` tensors; the last is what [`Self::forward`] reads out (docs/SCIENCE.md §6).
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]` → each `[batch, seq, d_model]`
    pub fn residual_streams(&self, tokens: Tensor<3>) -> Vec<Tensor<3>> {
        let (x, mask) = self.embed(tokens);
        let mut streams = vec![x];
        for block in &self.blocks {
            let next = block.forward(streams[streams.len() - 1].clone(), mask.clone());
            streams.push(next);
        }
        streams
    }

    /// What the trained read-out makes of a residual stream: the final LayerNorm, then the
    /// read-out, one number per token.
    ///
    /// # Shapes
    /// - stream: `[batch, seq, d_model]` → `[batch, seq]`
    pub fn read_out_of(&self, stream: Tensor<3>) -> Tensor<2> {
        let [batch, seq, _] = stream.dims();
        self.outputs_of(stream).reshape([batch, seq])
    }

    /// Every output of the read-out per token, for a read-out of more than one number
    /// ([`TransformerConfig::n_outputs`]).
    ///
    /// # Shapes
    /// - stream: `[batch, seq, d_model]` → `[batch, seq, n_outputs]`
    pub fn outputs_of(&self, stream: Tensor<3>) -> Tensor<3> {
        self.read_out.forward(self.ln_f.forward(stream))
    }

    /// The last residual stream and every block's attention weights.
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]` → stream `[batch, seq, d_model]`, weights
    ///   `[n_layers][batch, n_heads, seq, seq]` (row i: what token i reads)
    pub fn stream_with_attention(&self, tokens: Tensor<3>) -> (Tensor<3>, Vec<Tensor<4>>) {
        let (mut x, mask) = self.embed(tokens);
        let mut maps = Vec::with_capacity(self.blocks.len());
        for block in &self.blocks {
            let (next, weights) = block.forward_with_attention(x, mask.clone());
            x = next;
            maps.push(weights);
        }
        (x, maps)
    }

    /// The read-in plus positions, and the additive causal mask.
    fn embed(&self, tokens: Tensor<3>) -> (Tensor<3>, Tensor<4>) {
        let [_, seq, _] = tokens.dims();
        let device = tokens.device();
        // The first `seq` rows of the positional table, broadcast over the batch: the same as
        // looking each position up, without a gather forward and a scatter backward.
        let positions = self.wpe.weight.val().narrow(0, 0, seq).unsqueeze::<3>(); // [1, s, d]
        let x = self.read_in.forward(tokens) + positions; // [b, s, d]
        // Additive causal mask: -1e9 above the diagonal so a token never sees its future.
        // burn's `tril_mask` is `true` *outside* the lower triangle, i.e. exactly at j > i.
        let mask = Tensor::<2, Bool>::tril_mask([seq, seq], 0, &device)
            .float()
            .mul_scalar(-1e9)
            .reshape([1, 1, seq, seq]);
        (x, mask)
    }
}

#[derive(Config, Debug)]
struct BlockConfig {
    d_model: usize,
    n_heads: usize,
    /// Init std of the two projections back into the residual stream.
    residual_std: f64,
    activation: Activation,
}

impl BlockConfig {
    fn init(&self, device: &Device) -> Block {
        let d = self.d_model;
        Block {
            ln_1: LayerNormConfig::new(d).init(device),
            attn: CausalSelfAttention {
                qkv: gpt2_linear(d, 3 * d, GPT2_STD, device),
                proj: gpt2_linear(d, d, self.residual_std, device),
                n_heads: self.n_heads,
            },
            ln_2: LayerNormConfig::new(d).init(device),
            mlp: Mlp {
                fc: gpt2_linear(d, 4 * d, GPT2_STD, device),
                proj: gpt2_linear(4 * d, d, self.residual_std, device),
                activation: self.activation,
            },
        }
    }
}

/// Pre-LayerNorm residual block: `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`.
#[derive(Module, Debug)]
struct Block {
    ln_1: LayerNorm,
    attn: CausalSelfAttention,
    ln_2: LayerNorm,
    mlp: Mlp,
}

impl Block {
    fn forward(&self, x: Tensor<3>, mask: Tensor<4>) -> Tensor<3> {
        self.forward_with_attention(x, mask).0
    }

    /// The block's output and its attention weights `[batch, heads, seq, seq]`.
    fn forward_with_attention(&self, x: Tensor<3>, mask: Tensor<4>) -> (Tensor<3>, Tensor<4>) {
        let (attended, weights) = self.attn.forward(self.ln_1.forward(x.clone()), mask);
        let x = x + attended;
        (x.clone() + self.mlp.forward(self.ln_2.forward(x)), weights)
    }
}

#[derive(Module, Debug)]
struct CausalSelfAttention {
    /// Query, key and value in one matmul, split afterwards (nanoGPT's `c_attn`).
    qkv: Linear,
    proj: Linear,
    n_heads: usize,
}

impl CausalSelfAttention {
    /// The attended values and the attention weights.
    ///
    /// # Shapes
    /// - x: `[batch, seq, d_model]`, mask: `[1, 1, seq, seq]` (additive)
    /// - output: `[batch, seq, d_model]`, weights `[batch, n_heads, seq, seq]`
    fn forward(&self, x: Tensor<3>, mask: Tensor<4>) -> (Tensor<3>, Tensor<4>) {
        let [b, s, d] = x.dims();
        let h = self.n_heads;
        let hd = d / h;
        let qkv = self.qkv.forward(x); // [b, s, 3d]
        let heads = |t: Tensor<3>| t.reshape([b, s, h, hd]).swap_dims(1, 2); // [b, h, s, hd]
        let q = heads(qkv.clone().slice([0..b, 0..s, 0..d]));
        let k = heads(qkv.clone().slice([0..b, 0..s, d..2 * d]));
        let v = heads(qkv.slice([0..b, 0..s, 2 * d..3 * d]));
        let att = q.matmul(k.swap_dims(2, 3)).div_scalar((hd as f64).sqrt()) + mask; // [b, h, s, s]
        let weights = softmax_last(att);
        let y = weights.clone().matmul(v); // [b, h, s, hd]
        (
            self.proj.forward(y.swap_dims(1, 2).reshape([b, s, d])),
            weights,
        )
    }
}

/// Softmax over the last axis, whose backward pass computes no exponentials. Autodiff's own
/// softmax is `exp / sum`, and the `exp`'s backward evaluates `exp` again: at the in-context
/// page's size, exponentials were ~12% of a browser training step (scalar `expf` in wasm). Here
/// the forward is the backend's fused softmax on the values without autodiff (`s`, a constant),
/// and the result `s ⊙ (1 + z − Σⱼ sⱼzⱼ)` with `z = x − x.detach()` equals `s` (z is zero) while
/// its gradient is softmax's exact Jacobian, `∂yᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)`.
fn softmax_last(x: Tensor<4>) -> Tensor<4> {
    if !x.is_autodiff() {
        return softmax(x, 3);
    }
    let s = Tensor::from_inner(softmax(x.clone().inner(), 3));
    let z = x.clone() - x.detach();
    let dot = (s.clone() * z.clone()).sum_dim(3);
    s.clone() * (z - dot).add_scalar(1.0)
}

#[derive(Module, Debug)]
struct Mlp {
    fc: Linear,
    proj: Linear,
    /// The nonlinearity between the two layers (a setting, not a weight).
    #[module(skip)]
    activation: Activation,
}

/// GELU's tanh approximation (GPT-2's `gelu_new`), `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`,
/// written as `x·σ(2√(2/π)(x + 0.044715x³))` (since `½(1 + tanh z) = σ(2z)`) with `x³` as two
/// products: the same function as burn's `gelu_approximate` in fewer, cheaper element-wise ops
/// (its `powf` and extra scalings made the native training step ~28% slower than the exact GELU).
fn gelu_tanh(x: Tensor<3>) -> Tensor<3> {
    const TWO_SQRT_2_OVER_PI: f64 = 2.0 * 0.797_884_560_802_865_4; // 2·√(2/π)
    let cube = x.clone() * x.clone() * x.clone();
    let inner = (x.clone() + cube.mul_scalar(0.044715)).mul_scalar(TWO_SQRT_2_OVER_PI);
    x * sigmoid(inner)
}

impl Mlp {
    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let h = self.fc.forward(x);
        let h = match self.activation {
            Activation::GeluTanh => gelu_tanh(h),
            Activation::Gelu => gelu(h),
            Activation::Relu => relu(h),
        };
        self.proj.forward(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::activation::gelu_approximate;

    /// The cheaper form is GPT-2's `gelu_new`: against burn's `gelu_approximate` and a value by
    /// hand (`gelu_new(1) = 0.841192`).
    #[test]
    fn gelu_tanh_is_gpt2s_gelu_new() {
        let device = Device::flex();
        let xs: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.15).collect();
        let n = xs.len();
        let x = Tensor::<3>::from_data(burn::tensor::TensorData::new(xs, [1, 1, n]), &device);
        let ours: Vec<f32> = gelu_tanh(x.clone()).into_data().try_to_vec().expect("f32");
        let burns: Vec<f32> = gelu_approximate(x).into_data().try_to_vec().expect("f32");
        for (a, b) in ours.iter().zip(&burns) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
        let one = Tensor::<3>::from_data(
            burn::tensor::TensorData::new(vec![1.0f32], [1, 1, 1]),
            &device,
        );
        let v: Vec<f32> = gelu_tanh(one).into_data().try_to_vec().expect("f32");
        assert!((v[0] - 0.841_192).abs() < 1e-5, "{}", v[0]);
    }

    /// The softmax without exponentials in its backward pass gives burn's softmax's values and,
    /// through a weighted sum of its outputs, burn's softmax's gradient (a masked row included),
    /// and leaves a tensor without autodiff without it.
    #[test]
    fn softmax_last_has_softmaxs_values_and_gradient() {
        let device = Device::flex().autodiff();
        let n = 2 * 3 * 4 * 5;
        let xs: Vec<f32> = (0..n)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.3)
            .collect();
        let mut masked = xs.clone();
        masked[..3].fill(-1e9);
        let weights: Vec<f32> = (0..n).map(|i| ((i * 11 % 7) as f32) - 3.0).collect();
        let data = |v: Vec<f32>| burn::tensor::TensorData::new(v, [2, 3, 4, 5]);
        let w = Tensor::<4>::from_data(data(weights), &device);
        let run = |f: fn(Tensor<4>) -> Tensor<4>| {
            let x = Tensor::<4>::from_data(data(masked.clone()), &device).require_grad();
            let y = f(x.clone());
            let grads = (y.clone() * w.clone()).sum().backward();
            let values: Vec<f32> = y.inner().into_data().try_to_vec().expect("f32");
            let grad: Vec<f32> = x
                .grad(&grads)
                .expect("a gradient")
                .into_data()
                .try_to_vec()
                .expect("f32");
            (values, grad)
        };
        let (ours, our_grad) = run(softmax_last);
        let (burns, burn_grad) = run(|x| softmax(x, 3));
        for (a, b) in ours
            .iter()
            .zip(&burns)
            .chain(our_grad.iter().zip(&burn_grad))
        {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
        assert!(
            burn_grad.iter().any(|g| g.abs() > 0.1),
            "a gradient worth comparing"
        );
        let plain = Tensor::<4>::from_data(data(xs), &Device::flex());
        assert!(!softmax_last(plain).is_autodiff());
    }
}
