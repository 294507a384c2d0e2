//! The paper's model (Edelman et al. 2024, their `Relative_Transformer` with `attention_only`):
//! a learned embedding of the k states, attention-only layers with pre-LayerNorm and **relative**
//! positions (per layer a learned vector per offset i − j, added to the key in the query's dot
//! product: `q·(k_j + r_{i−j}) / √d_h`, causal), a final LayerNorm and a linear read-out to k
//! logits per position. Layer 1 has `order − 1` heads (one per state of the context), the later
//! layers one, as in the paper. No MLP, no dropout (the paper's 0.1 dropout is left out: this is
//! trained for a few hundred steps, not thousands), no biases in the projections.
//!
//! The same task can be read by iclab's own backbones instead ([`MarkovBackbone`]): the GPT-2
//! style transformer (learned absolute positions, MLPs) or the xLSTM, whose state does not grow
//! with the sequence — each reads the states one-hot and reads out k logits per position.
//!
//! Tensor names: `embed.weight` `[k, d]`, `layers.{i}.norm.gamma|beta`, `layers.{i}.query|key|
//! value|out.weight` `[d, d]`, `layers.{i}.positions` `[T, d]` (row o: offset o), `norm.gamma|beta`,
//! `head.weight` `[d, k]`.

use burn::module::{Module, Param};
use burn::nn::{
    Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::activation::softmax;
use burn::tensor::{Bool, Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::{Activation, Backbone, ModelConfig, ModelShape, Transformer, Xlstm};

/// GPT-2's (and the paper's minGPT's) initialization scale.
const STD: f64 = 0.02;

/// The network a Markov run trains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MarkovBackbone {
    /// The paper's: attention-only layers with relative positions, `order − 1` heads in layer 1.
    #[default]
    AttentionOnly,
    /// iclab's GPT-2 style transformer (docs/SCIENCE.md §1): learned absolute positions, an MLP
    /// per layer, `order − 1` heads in every layer.
    Transformer,
    /// iclab's xLSTM (mLSTM and sLSTM blocks alternating, `order − 1` heads): a state of fixed
    /// size instead of attention over the whole context.
    Xlstm,
}

impl MarkovBackbone {
    pub const ALL: [Self; 3] = [Self::AttentionOnly, Self::Transformer, Self::Xlstm];

    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::AttentionOnly => "attention-only (the paper's)",
            Self::Transformer => "transformer (GPT-2 style)",
            Self::Xlstm => "xLSTM (mLSTM + sLSTM)",
        }
    }

    /// Whether it has attention maps to read.
    pub fn attends(self) -> bool {
        !matches!(self, Self::Xlstm)
    }

    /// The shared backbone it trains ([`crate::model`]), `None` for the paper's own model.
    pub fn model(self) -> Option<Backbone> {
        match self {
            Self::AttentionOnly => None,
            Self::Transformer => Some(Backbone::Transformer),
            Self::Xlstm => Some(Backbone::Xlstm),
        }
    }
}

/// Shape of the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarkovModelConfig {
    /// Which network.
    pub backbone: MarkovBackbone,
    /// States k: the vocabulary.
    pub states: usize,
    /// Positions T (the longest input).
    pub length: usize,
    /// Residual width. The paper: 16 per head of layer 1.
    pub width: usize,
    /// Attention layers. The paper: 2.
    pub layers: usize,
    /// Heads of layer 1 (the paper: order − 1); later layers of the paper's model have one,
    /// every layer of a shared backbone has this many.
    pub first_heads: usize,
}

fn linear(d_in: usize, d_out: usize, std: f64, device: &Device) -> Linear {
    LinearConfig::new(d_in, d_out)
        .with_bias(false)
        .with_initializer(Initializer::Normal { mean: 0.0, std })
        .init(device)
}

impl MarkovModelConfig {
    /// The shared backbone's config: states one-hot in, k logits per position out.
    fn shared(&self) -> Option<ModelConfig> {
        Some(ModelConfig {
            backbone: self.backbone.model()?,
            shape: ModelShape {
                layers: self.layers,
                d_model: self.width,
                heads: self.first_heads,
            },
            xlstm_ratio: [1, 1],
            token_width: self.states,
            seq_len: self.length,
            outputs: self.states,
            activation: Activation::default(),
        })
    }

    pub fn init(&self, device: &Device) -> MarkovNet {
        match self.shared().map(|m| m.init(device)) {
            None => MarkovNet::AttentionOnly(self.attention_only(device)),
            Some(crate::model::Model::Transformer(m)) => MarkovNet::Transformer(m),
            Some(crate::model::Model::Xlstm(m)) => MarkovNet::Xlstm(m),
        }
    }

    fn attention_only(&self, device: &Device) -> MarkovModel {
        let d = self.width;
        MarkovModel {
            embed: EmbeddingConfig::new(self.states, d)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: STD,
                })
                .init(device),
            layers: (0..self.layers)
                .map(|i| RelativeAttention {
                    norm: LayerNormConfig::new(d).init(device),
                    query: linear(d, d, STD, device),
                    key: linear(d, d, STD, device),
                    value: linear(d, d, STD, device),
                    // minGPT's residual projections: N(0, (0.02/√(2·layers))²)
                    out: linear(d, d, STD / ((2 * self.layers) as f64).sqrt(), device),
                    positions: Param::from_tensor(
                        Initializer::Normal {
                            mean: 0.0,
                            std: STD,
                        }
                        .init([self.length, d], device)
                        .val(),
                    ),
                    heads: if i == 0 { self.first_heads } else { 1 },
                })
                .collect(),
            norm: LayerNormConfig::new(d).init(device),
            head: linear(d, self.states, STD, device),
        }
    }
}

/// One causal attention layer with relative positions and its residual.
#[derive(Module, Debug)]
pub struct RelativeAttention {
    norm: LayerNorm,
    query: Linear,
    key: Linear,
    value: Linear,
    out: Linear,
    /// `[T, d]`: row o is offset o (a query at i reading position i − o).
    positions: Param<Tensor<2>>,
    heads: usize,
}

impl RelativeAttention {
    /// The layer's output and its attention weights `[batch, heads, seq, seq]`.
    fn forward(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<4>) {
        let [b, s, d] = x.dims();
        let (h, dh) = (self.heads, d / self.heads);
        let device = x.device();
        let y = self.norm.forward(x.clone());
        let split = |t: Tensor<3>| t.reshape([b, s, h, dh]).swap_dims(1, 2); // [b, h, s, dh]
        let q = split(self.query.forward(y.clone()));
        let k = split(self.key.forward(y.clone()));
        let v = split(self.value.forward(y));
        // the offset i − j of every (i, j) with j ≤ i (0 where j > i: masked below)
        let offsets: Vec<i64> = (0..s)
            .flat_map(|i| (0..s).map(move |j| if j <= i { (i - j) as i64 } else { 0 }))
            .collect();
        let offsets = Tensor::<1, Int>::from_data(TensorData::new(offsets, [s * s]), &device);
        let r = self
            .positions
            .val()
            .select(0, offsets) // [s·s, d]
            .reshape([s, s, h, dh])
            .permute([2, 0, 1, 3]) // [h, s, s, dh]
            .unsqueeze::<5>(); // [1, h, s, s, dh]
        let relative = (q.clone().unsqueeze_dim::<5>(3) * r) // [b, h, s, s, dh]
            .sum_dim(4)
            .reshape([b, h, s, s]);
        let mask = Tensor::<2, Bool>::tril_mask([s, s], 0, &device)
            .float()
            .mul_scalar(-1e9)
            .reshape([1, 1, s, s]);
        let scores = (q.matmul(k.swap_dims(2, 3)) + relative).div_scalar((dh as f64).sqrt());
        let weights = softmax(scores + mask, 3);
        let mixed = weights.clone().matmul(v).swap_dims(1, 2).reshape([b, s, d]);
        (x + self.out.forward(mixed), weights)
    }
}

#[derive(Module, Debug)]
pub struct MarkovModel {
    embed: Embedding,
    layers: Vec<RelativeAttention>,
    norm: LayerNorm,
    head: Linear,
}

impl MarkovModel {
    /// Next-state logits at every position and every layer's attention.
    ///
    /// # Shapes
    /// - states: `[batch, seq]` → logits `[batch, seq, k]`, weights `[layers][batch, heads, seq, seq]`
    pub fn forward_with_attention(&self, states: Tensor<2, Int>) -> (Tensor<3>, Vec<Tensor<4>>) {
        let mut x = self.embed.forward(states);
        let mut maps = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let (next, weights) = layer.forward(x);
            x = next;
            maps.push(weights);
        }
        (self.head.forward(self.norm.forward(x)), maps)
    }

    pub fn forward(&self, states: Tensor<2, Int>) -> Tensor<3> {
        self.forward_with_attention(states).0
    }
}

/// The network of a run, whichever backbone.
#[derive(Module, Debug)]
pub enum MarkovNet {
    AttentionOnly(MarkovModel),
    Transformer(Transformer),
    Xlstm(Xlstm),
}

impl MarkovNet {
    /// Next-state logits at every position and every layer's attention (none for the xLSTM).
    ///
    /// # Shapes
    /// - states: `[batch, seq]` → logits `[batch, seq, k]`, weights `[layers][batch, heads, seq, seq]`
    pub fn forward_with_attention(&self, states: Tensor<2, Int>) -> (Tensor<3>, Vec<Tensor<4>>) {
        match self {
            Self::AttentionOnly(m) => m.forward_with_attention(states),
            Self::Transformer(m) => {
                let (stream, maps) = m.stream_with_attention(one_hot(states, m.n_inputs()));
                (m.outputs_of(stream), maps)
            }
            Self::Xlstm(m) => {
                let streams = m.residual_streams(one_hot(states, m.n_inputs()));
                let last = streams
                    .into_iter()
                    .last()
                    .expect("the read-in's stream at least");
                (m.outputs_of(last), Vec::new())
            }
        }
    }

    pub fn forward(&self, states: Tensor<2, Int>) -> Tensor<3> {
        self.forward_with_attention(states).0
    }
}

/// States `[batch, seq]` as one-hot rows `[batch, seq, k]`.
fn one_hot(states: Tensor<2, Int>, k: usize) -> Tensor<3> {
    let [b, s] = states.dims();
    let device = states.device();
    Tensor::<2>::eye(k, &device)
        .select(0, states.reshape([b * s]))
        .reshape([b, s, k])
}
