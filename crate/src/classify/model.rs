//! Reddy's minimal in-context classifier (docs/SCIENCE.md §4; Reddy 2023, as in his code): tokens
//! `[one-hot position (2N + 1) | content (D)]` — an item's content is the item, a label's its label
//! vector — go through causal single-head attention layers with a residual each, no LayerNorm, no
//! 1/√d scaling and no MLP between them; a ReLU MLP on the query's stream then gives L logits,
//! trained by cross-entropy on the query's label. Its attention at the query is read out per layer,
//! to see whether an induction head forms (layer 1: a label attends to its item; layer 2: the
//! query attends to the label whose item matches it).

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

use serde::{Deserialize, Serialize};

use super::sequences::{Sequences, World};
use crate::model::{Backbone, Model, ModelConfig, ModelShape, Transformer, Xlstm};

/// Width of a token for `pairs` context pairs in `dims` dimensions: positions, then content.
pub fn token_width(pairs: usize, dims: usize) -> usize {
    2 * pairs + 1 + dims
}

impl Sequences {
    /// The tokens `[batch, 2N + 1, 2N + 1 + D]`: `x_1, ℓ(y_1), …, x_N, ℓ(y_N), x_query`, each with
    /// its position one-hot in front (no random shift, unlike Reddy's code: positions are fixed).
    pub fn tokens(&self, world: &World, device: &Device) -> Tensor<3> {
        let (n, d) = (self.pairs, self.dims);
        let (seq, width) = (2 * n + 1, token_width(n, d));
        let mut data = vec![0.0f32; self.batch * seq * width];
        for b in 0..self.batch {
            for i in 0..=n {
                let item = &self.items[(b * (n + 1) + i) * d..(b * (n + 1) + i + 1) * d];
                let at = |t: usize| (b * seq + t) * width;
                let x = at(2 * i);
                data[x + 2 * i] = 1.0;
                data[x + seq..x + seq + d].copy_from_slice(item);
                if i < n {
                    let label = self.labels[b * (n + 1) + i] as usize;
                    let y = at(2 * i + 1);
                    data[y + 2 * i + 1] = 1.0;
                    data[y + seq..y + seq + d]
                        .copy_from_slice(&world.label_vectors[label * d..(label + 1) * d]);
                }
            }
        }
        Tensor::from_data(TensorData::new(data, [self.batch, seq, width]), device)
    }

    /// The query labels `[batch]`, the targets.
    pub fn targets(&self, device: &Device) -> Tensor<1, Int> {
        let n = self.pairs;
        let ys: Vec<i64> = (0..self.batch)
            .map(|b| i64::from(self.labels[b * (n + 1) + n]))
            .collect();
        Tensor::from_data(TensorData::new(ys, [self.batch]), device)
    }
}

/// The backbone a classifier reads the sequence with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClassifyBackbone {
    /// Reddy's minimal model: single-head attention layers (no LayerNorm, no scaling, no MLP
    /// between them), then a ReLU MLP on the query.
    #[default]
    AttentionOnly,
    /// iclab's GPT-2 style transformer (docs/SCIENCE.md §1) with a read-out over the labels.
    Transformer,
    /// iclab's xLSTM (mLSTM and sLSTM blocks alternating) with a read-out over the labels: the
    /// comparison backbone without attention.
    Xlstm,
}

impl ClassifyBackbone {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::AttentionOnly => "attention-only (Reddy's)",
            Self::Transformer => "transformer",
            Self::Xlstm => "xLSTM (mLSTM + sLSTM)",
        }
    }

    pub const ALL: [Self; 3] = [Self::AttentionOnly, Self::Transformer, Self::Xlstm];

    pub fn name(self) -> &'static str {
        match self {
            Self::AttentionOnly => "attention_only",
            Self::Transformer => "transformer",
            Self::Xlstm => "xlstm",
        }
    }

    /// The shared backbone this one trains ([`crate::model`]), or `None` for Reddy's
    /// attention-only network, which is the experiment's own.
    pub fn model(self) -> Option<Backbone> {
        match self {
            Self::AttentionOnly => None,
            Self::Transformer => Some(Backbone::Transformer),
            Self::Xlstm => Some(Backbone::Xlstm),
        }
    }

    /// Whether the backbone has attention maps to read.
    pub fn attends(self) -> bool {
        !matches!(self, Self::Xlstm)
    }
}

/// Shape of a classifier.
#[derive(Debug, Clone)]
pub struct ClassifierConfig {
    pub backbone: ClassifyBackbone,
    /// Token width ([`token_width`]).
    pub width: usize,
    /// Tokens per sequence, `2N + 1` (sizes the transformer's positional table).
    pub seq_len: usize,
    /// Labels L: the logits.
    pub labels: usize,
    /// Attention layers, or the transformer's or xLSTM's blocks. Reddy's: 2.
    pub layers: usize,
    /// Attention-only: width of the MLP on the query (Reddy's 128). Transformer and xLSTM: the
    /// residual width.
    pub hidden: usize,
    /// Heads per layer of the transformer and the xLSTM; must divide `hidden` (attention-only
    /// layers have one head).
    pub heads: usize,
}

impl ClassifierConfig {
    /// Reddy's shape for these tokens: two attention-only layers and an MLP of 128.
    pub fn new(width: usize, seq_len: usize, labels: usize) -> Self {
        Self {
            backbone: ClassifyBackbone::AttentionOnly,
            width,
            seq_len,
            labels,
            layers: 2,
            hidden: 128,
            heads: 1,
        }
    }

    /// The shared model of a transformer or xLSTM classifier: a read-out over the labels.
    pub fn model(&self) -> Option<ModelConfig> {
        let backbone = self.backbone.model()?;
        Some(ModelConfig {
            backbone,
            shape: ModelShape {
                layers: self.layers,
                d_model: self.hidden,
                heads: self.heads,
            },
            xlstm_ratio: [1, 1],
            token_width: self.width,
            seq_len: self.seq_len,
            outputs: self.labels,
            activation: crate::model::Activation::default(),
        })
    }

    pub fn init(&self, device: &Device) -> Classifier {
        match self.model() {
            None => Classifier::AttentionOnly(self.attention_only(device)),
            Some(model) => match model.init(device) {
                Model::Transformer(m) => Classifier::Transformer(m),
                Model::Xlstm(m) => Classifier::Xlstm(m),
            },
        }
    }

    /// Attention matrices `N(0, 1/width)` as Reddy's; the MLP (3 ReLU layers) and read-out as
    /// PyTorch's Linear.
    fn attention_only(&self, device: &Device) -> AttentionOnly {
        const MLP_LAYERS: usize = 3;
        let w = self.width;
        let std = 1.0 / (w as f64).sqrt();
        AttentionOnly {
            attention: (0..self.layers)
                .map(|_| Attention {
                    query: normal(w, w, std, false, device),
                    key: normal(w, w, std, false, device),
                    value: normal(w, w, std, false, device),
                })
                .collect(),
            mlp: (0..MLP_LAYERS)
                .map(|i| {
                    LinearConfig::new(if i == 0 { w } else { self.hidden }, self.hidden)
                        .init(device)
                })
                .collect(),
            read_out: LinearConfig::new(self.hidden, self.labels)
                .with_bias(false)
                .init(device),
        }
    }
}

fn normal(d_in: usize, d_out: usize, std: f64, bias: bool, device: &Device) -> Linear {
    LinearConfig::new(d_in, d_out)
        .with_bias(bias)
        .with_initializer(Initializer::Normal { mean: 0.0, std })
        .init(device)
}

/// One causal single-head attention layer with its residual: `x + softmax(QKᵀ + mask)·V`.
#[derive(Module, Debug)]
struct Attention {
    query: Linear,
    key: Linear,
    value: Linear,
}

impl Attention {
    /// The layer's attention weights `[batch, seq, seq]` (row i: what token i reads).
    fn weights(&self, x: Tensor<3>) -> Tensor<3> {
        let [_, s, _] = x.dims();
        let q = self.query.forward(x.clone());
        let k = self.key.forward(x);
        let mask = Tensor::<2, Bool>::tril_mask([s, s], 0, &q.device())
            .float()
            .mul_scalar(-1e9)
            .unsqueeze::<3>();
        softmax(q.matmul(k.swap_dims(1, 2)) + mask, 2)
    }

    fn forward(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let weights = self.weights(x.clone());
        let out = x.clone() + weights.clone().matmul(self.value.forward(x));
        (out, weights)
    }
}

/// Reddy's attention-only network.
#[derive(Module, Debug)]
pub struct AttentionOnly {
    attention: Vec<Attention>,
    mlp: Vec<Linear>,
    read_out: Linear,
}

impl AttentionOnly {
    fn forward_with_attention(&self, tokens: Tensor<3>) -> (Tensor<2>, Vec<Tensor<4>>) {
        let [b, s, w] = tokens.dims();
        let mut x = tokens;
        let mut maps = Vec::with_capacity(self.attention.len());
        for layer in &self.attention {
            let (next, weights) = layer.forward(x);
            x = next;
            maps.push(weights.unsqueeze_dim::<4>(1));
        }
        let mut h = x.slice([0..b, s - 1..s, 0..w]).reshape([b, w]);
        for layer in &self.mlp {
            h = relu(layer.forward(h));
        }
        (self.read_out.forward(h), maps)
    }
}

/// An in-context classifier: logits over the labels at the query.
#[derive(Module, Debug)]
pub enum Classifier {
    AttentionOnly(AttentionOnly),
    Transformer(Transformer),
    Xlstm(Xlstm),
}

/// The query's row of a per-token output `[batch, seq, n]` → `[batch, n]`.
fn at_query(outputs: Tensor<3>) -> Tensor<2> {
    let [b, s, n] = outputs.dims();
    outputs.slice([0..b, s - 1..s, 0..n]).reshape([b, n])
}

impl Classifier {
    pub fn backbone(&self) -> ClassifyBackbone {
        match self {
            Self::AttentionOnly(_) => ClassifyBackbone::AttentionOnly,
            Self::Transformer(_) => ClassifyBackbone::Transformer,
            Self::Xlstm(_) => ClassifyBackbone::Xlstm,
        }
    }

    /// Logits over the labels at the query, and every layer's attention weights (none for the
    /// xLSTM).
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, width]` → logits `[batch, labels]`, attention
    ///   `[layers][batch, heads, seq, seq]`
    pub fn forward_with_attention(&self, tokens: Tensor<3>) -> (Tensor<2>, Vec<Tensor<4>>) {
        match self {
            Self::AttentionOnly(m) => m.forward_with_attention(tokens),
            Self::Transformer(m) => {
                let (stream, maps) = m.stream_with_attention(tokens);
                (at_query(m.outputs_of(stream)), maps)
            }
            Self::Xlstm(m) => {
                let stream = m
                    .residual_streams(tokens)
                    .pop()
                    .expect("the read-in's stream");
                (at_query(m.outputs_of(stream)), Vec::new())
            }
        }
    }

    /// Logits over the labels at the query, `[batch, labels]`.
    pub fn forward(&self, tokens: Tensor<3>) -> Tensor<2> {
        self.forward_with_attention(tokens).0
    }
}

mod scores;
pub use scores::{
    InductionScores, InductionTally, accuracy, context_label_accuracy, cross_entropy,
    induction_scores,
};

#[cfg(test)]
mod tests;
