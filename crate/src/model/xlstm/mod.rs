//! The xLSTM of Beck et al. 2024 (docs/SCIENCE.md §2) as an in-context learner: the same
//! read-in and read-out as the transformer around a residual stack of mLSTM and sLSTM blocks
//! ([`block`]), with a final LayerNorm. No positional embeddings: order comes from recurrence.
//!
//! Stacks are named xLSTM[a:b] by their mLSTM:sLSTM ratio; block `i` is an sLSTM block when
//! `i mod (a + b) ≥ a`, so [1:1] alternates m, s, m, s and [1:0] is all mLSTM.
//!
//! Training uses the mLSTM's parallel form and runs the sLSTM loop; [`Xlstm::step`] reads one
//! token at a time with a state whose size does not depend on how many tokens were read.
//!
//! Tensor names (checkpoints): `read_in.{weight,bias}`, `blocks.{i}.norm.gamma`,
//! `blocks.{i}.mlstm.…` or `blocks.{i}.slstm.…` (+ `ffn_norm.gamma`, `ffn.…`), `post_norm.gamma`,
//! `read_out.{weight,bias}`; the per-layer tables are in [`block`] and the cells' modules.

pub mod block;
pub mod mlstm;
pub mod parts;
pub mod slstm;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{LayerNorm, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use block::{BlockState, MlstmBlock, Place, SlstmBlock, XlstmBlock, layer_norm};

/// Shape of an xLSTM learner.
#[derive(Config, Debug)]
pub struct XlstmConfig {
    /// Token width: `d` for interleaved prompts, `2d + 1` for paired ones.
    pub n_dims: usize,
    /// Number of blocks. Default: 4 (the `tiny` preset: two mLSTM + two sLSTM).
    #[config(default = 4)]
    pub n_blocks: usize,
    /// Residual width. Default: 64, as the transformer's `tiny`.
    #[config(default = 64)]
    pub d_model: usize,
    /// Heads of both cells; must divide `d_model`. Default: 4, the reference's.
    #[config(default = 4)]
    pub n_heads: usize,
    /// `a` of xLSTM[a:b]. Default: 1.
    #[config(default = 1)]
    pub mlstm_ratio: usize,
    /// `b` of xLSTM[a:b]. Default: 1.
    #[config(default = 1)]
    pub slstm_ratio: usize,
    /// Numbers the read-out gives per token: 1 for regression, the labels for the classifier of
    /// docs/SCIENCE.md §4. Default: 1.
    #[config(default = 1)]
    pub n_outputs: usize,
}

impl XlstmConfig {
    /// Whether block `index` is an sLSTM block.
    pub fn is_slstm(&self, index: usize) -> bool {
        let period = (self.mlstm_ratio + self.slstm_ratio).max(1);
        index % period >= self.mlstm_ratio
    }

    pub fn init(&self, device: &Device) -> Xlstm {
        let d = self.d_model;
        let blocks = (0..self.n_blocks)
            .map(|index| {
                let place = Place {
                    index,
                    blocks: self.n_blocks,
                };
                if self.is_slstm(index) {
                    XlstmBlock::Slstm(SlstmBlock::new(d, self.n_heads, place, device))
                } else {
                    XlstmBlock::Mlstm(MlstmBlock::new(d, self.n_heads, place, device))
                }
            })
            .collect();
        Xlstm {
            read_in: LinearConfig::new(self.n_dims, d).init(device),
            blocks,
            post_norm: layer_norm(d, device),
            read_out: LinearConfig::new(d, self.n_outputs).init(device),
        }
    }
}

#[derive(Module, Debug)]
pub struct Xlstm {
    read_in: Linear,
    blocks: Vec<XlstmBlock>,
    post_norm: LayerNorm,
    read_out: Linear,
}

/// Recurrent state of a whole stack, one entry per block.
#[derive(Debug, Clone)]
pub struct XlstmState {
    pub blocks: Vec<BlockState>,
}

impl XlstmState {
    /// Floats held for the whole batch; does not grow with the tokens read.
    pub fn floats(&self) -> usize {
        self.blocks.iter().map(BlockState::floats).sum()
    }
}

impl Xlstm {
    /// Numbers per token it reads (the read-in's width).
    pub fn n_inputs(&self) -> usize {
        self.read_in.weight.dims()[0]
    }

    /// One prediction per token (parallel mLSTM, looped sLSTM).
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]`
    /// - output: `[batch, seq]`
    pub fn forward(&self, tokens: Tensor<3>) -> Tensor<2> {
        let mut x = self.read_in.forward(tokens); // [b, s, d]
        for block in &self.blocks {
            x = block.forward(x);
        }
        self.read_out_of(x)
    }

    /// The residual stream after the read-in and after each block: `n_blocks + 1` tensors; the
    /// last is what [`Self::forward`] reads out (docs/SCIENCE.md §6).
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]` → each `[batch, seq, d_model]`
    pub fn residual_streams(&self, tokens: Tensor<3>) -> Vec<Tensor<3>> {
        let mut streams = vec![self.read_in.forward(tokens)];
        for block in &self.blocks {
            let next = block.forward(streams[streams.len() - 1].clone());
            streams.push(next);
        }
        streams
    }

    /// What the trained read-out makes of a residual stream: the post-norm, then the read-out.
    ///
    /// # Shapes
    /// - stream: `[batch, seq, d_model]` → `[batch, seq]`
    pub fn read_out_of(&self, stream: Tensor<3>) -> Tensor<2> {
        let [batch, seq, _] = stream.dims();
        self.outputs_of(stream).reshape([batch, seq])
    }

    /// Every output of the read-out per token ([`XlstmConfig::n_outputs`]).
    ///
    /// # Shapes
    /// - stream: `[batch, seq, d_model]` → `[batch, seq, n_outputs]`
    pub fn outputs_of(&self, stream: Tensor<3>) -> Tensor<3> {
        self.read_out.forward(self.post_norm.forward(stream))
    }

    /// The state before the first token.
    pub fn empty_state(&self, batch: usize, device: &Device) -> XlstmState {
        XlstmState {
            blocks: self
                .blocks
                .iter()
                .map(|b| b.empty_state(batch, device))
                .collect(),
        }
    }

    /// Reads one token in recurrent form and predicts from it.
    ///
    /// # Shapes
    /// - token: `[batch, n_dims]` → prediction `[batch]`
    ///
    /// A state from another model shape is an error naming the block.
    pub fn step(
        &self,
        token: Tensor<2>,
        state: XlstmState,
    ) -> crate::Result<(Tensor<1>, XlstmState)> {
        let [batch, _] = token.dims();
        if state.blocks.len() != self.blocks.len() {
            return Err(crate::Error::invalid(
                "state",
                format!(
                    "has {} blocks, the model {}",
                    state.blocks.len(),
                    self.blocks.len()
                ),
            ));
        }
        let mut x = self.read_in.forward(token); // [b, d]
        let mut next = Vec::with_capacity(self.blocks.len());
        for (i, (block, s)) in self.blocks.iter().zip(state.blocks).enumerate() {
            let (y, s) = block.step(x, s).ok_or_else(|| {
                crate::Error::invalid("state", format!("block {i} is of the other kind"))
            })?;
            x = y;
            next.push(s);
        }
        let [_, d] = x.dims();
        let y = self
            .read_out
            .forward(self.post_norm.forward(x.reshape([batch, 1, d])))
            .reshape([batch]);
        Ok((y, XlstmState { blocks: next }))
    }
}

/// Parameters of one xLSTM block of width `d` with `heads` heads, as
/// block.rs builds it (the checkpoint table in crate/src/icl/checkpoint.rs lists
/// the same tensors).
pub(crate) fn block_parameters(slstm: bool, d: u64, heads: u64) -> u64 {
    use block::{CONV_KERNEL, QKV_BLOCK, ffn_width, mlstm_inner};
    let k = CONV_KERNEL as u64;
    if slstm {
        let hd = d / heads;
        let ffn = ffn_width(d as usize) as u64;
        // norm, conv, 4 gate kernels, recurrent kernel, bias, group norm, FFN norm, gated FFN
        d + (k * d + d) + 4 * heads * hd * hd + 4 * heads * hd * hd + 4 * d + d + d + 3 * ffn * d
    } else {
        let inner = mlstm_inner(d as usize) as u64;
        let q = QKV_BLOCK as u64;
        // norm, up-projection, conv, q/k/v, input and forget gates, cell norm, skip, down
        d + d * 2 * inner
            + (k * inner + inner)
            + 3 * inner * q
            + 2 * (3 * inner * heads + heads)
            + inner
            + inner
            + inner * d
    }
}
