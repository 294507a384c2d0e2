//! xLSTM blocks (docs/SCIENCE.md §2, Beck et al. 2024 Fig. 9–10), each a pre-LayerNorm
//! residual unit `x + layer(LN(x))`:
//!
//! - **mLSTM block**, up-projection *before* the cell: `LN → W_up: d → 2·inner` split into a
//!   branch `x_m` and a gate `z`; `x_m → causal conv (K = 4) → SiLU → q, k` and `v` from `x_m`
//!   before the conv, each by a block-diagonal projection (blocks of 4); the mLSTM cell with a
//!   per-head norm; `+ skip ⊙ conv_out` (learnable skip, init 1); `⊙ SiLU(z)`; `W_down: inner → d`.
//!   No feed-forward: the up-projection is the block's width.
//! - **sLSTM block**, up-projection *after* the cell: `LN → causal conv (K = 4) → SiLU` feeding
//!   only `ĩ, f̃` (`z̃, õ` read the normed input directly), each gate by a head-wise projection;
//!   the sLSTM cell with a per-head norm; then a separate residual gated-GELU feed-forward
//!   `x + W_down(GELU(g) ⊙ u)`, `[g, u] = W_up LN(x)`, width ≈ 4/3·d rounded up to 64.
//!
//! LayerNorms and projections have no bias, as in the reference.

use burn::module::{Module, Param};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::{gelu, silu};
use burn::tensor::{Device, Tensor};

use super::mlstm::{MlstmCell, MlstmState};
use super::parts::{
    CausalConv, HeadwiseLinear, MultiHeadNorm, normal, small_init_std, wang_init_std,
};
use super::slstm::{SlstmCell, SlstmState};

/// Convolution width of both blocks. Default of the reference.
pub const CONV_KERNEL: usize = 4;
/// Width of the block-diagonal q, k, v projections. Default of the reference.
pub const QKV_BLOCK: usize = 4;

/// A LayerNorm without bias (tensor `gamma` only).
pub fn layer_norm(d: usize, device: &Device) -> LayerNorm {
    LayerNormConfig::new(d).with_bias(false).init(device)
}

/// A bias-free `Linear` with `N(0, std²)` weights, stored `[d_in, d_out]`.
fn linear(d_in: usize, d_out: usize, std: f64, device: &Device) -> Linear {
    let mut layer = LinearConfig::new(d_in, d_out).with_bias(false).init(device);
    layer.weight = normal([d_in, d_out], std, device);
    layer
}

/// Inner width of an mLSTM block: the reference's projection factor 2.
pub fn mlstm_inner(d_model: usize) -> usize {
    2 * d_model
}

/// Width of the sLSTM block's feed-forward: 4/3·d rounded up to a multiple of 64.
pub fn ffn_width(d_model: usize) -> usize {
    (4 * d_model).div_ceil(3).div_ceil(64) * 64
}

/// Where one block is in the stack, for the depth-dependent inits.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub index: usize,
    pub blocks: usize,
}

/// One block of either kind.
#[derive(Module, Debug)]
pub enum XlstmBlock {
    Mlstm(MlstmBlock),
    Slstm(SlstmBlock),
}

/// Recurrent state of one block (boxed: tensor handles are large).
#[derive(Debug, Clone)]
pub enum BlockState {
    Mlstm {
        conv: Tensor<3>,
        cell: Box<MlstmState>,
    },
    Slstm {
        conv: Tensor<3>,
        cell: Option<Box<SlstmState>>,
    },
}

impl BlockState {
    /// Floats held: constant in the number of tokens read.
    pub fn floats(&self) -> usize {
        match self {
            Self::Mlstm { conv, cell } => conv.shape().num_elements() + cell.floats(),
            Self::Slstm { conv, cell } => {
                conv.shape().num_elements()
                    + cell
                        .as_ref()
                        .map_or_else(|| 4 * conv.dims()[2] * conv.dims()[0], |c| c.floats())
            }
        }
    }
}

impl XlstmBlock {
    /// # Shapes
    /// - x: `[batch, seq, d_model]` → same
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        match self {
            Self::Mlstm(block) => block.forward(x),
            Self::Slstm(block) => block.forward(x),
        }
    }

    /// The zero state for a batch.
    pub fn empty_state(&self, batch: usize, device: &Device) -> BlockState {
        match self {
            Self::Mlstm(block) => BlockState::Mlstm {
                conv: block.mlstm.conv.empty_history(batch, device),
                cell: Box::new(MlstmState::zeros(
                    batch,
                    block.mlstm.cell.heads(),
                    block.mlstm.inner / block.mlstm.cell.heads(),
                    device,
                )),
            },
            Self::Slstm(block) => BlockState::Slstm {
                conv: block.slstm.conv.empty_history(batch, device),
                cell: None,
            },
        }
    }

    /// One token through the block in recurrent form; `None` when `state` belongs to a block
    /// of the other kind.
    ///
    /// # Shapes
    /// - x: `[batch, d_model]` → same
    pub fn step(&self, x: Tensor<2>, state: BlockState) -> Option<(Tensor<2>, BlockState)> {
        match (self, state) {
            (Self::Mlstm(block), BlockState::Mlstm { conv, cell }) => {
                let (y, conv, cell) = block.step(x, conv, *cell);
                let cell = Box::new(cell);
                Some((y, BlockState::Mlstm { conv, cell }))
            }
            (Self::Slstm(block), BlockState::Slstm { conv, cell }) => {
                let (y, conv, cell) = block.step(x, conv, cell.map(|c| *c));
                let cell = Some(Box::new(cell));
                Some((y, BlockState::Slstm { conv, cell }))
            }
            _ => None,
        }
    }
}

/// Pre-LayerNorm residual mLSTM block.
#[derive(Module, Debug)]
pub struct MlstmBlock {
    pub norm: LayerNorm,
    pub mlstm: MlstmLayer,
}

impl MlstmBlock {
    pub fn new(d_model: usize, heads: usize, place: Place, device: &Device) -> Self {
        Self {
            norm: layer_norm(d_model, device),
            mlstm: MlstmLayer::new(d_model, heads, place, device),
        }
    }

    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        x.clone() + self.mlstm.forward(self.norm.forward(x))
    }

    fn step(
        &self,
        x: Tensor<2>,
        conv: Tensor<3>,
        cell: MlstmState,
    ) -> (Tensor<2>, Tensor<3>, MlstmState) {
        let [b, d] = x.dims();
        let normed = self.norm.forward(x.clone().reshape([b, 1, d]));
        let (y, conv, cell) = self.mlstm.step(normed, conv, cell);
        (x + y.reshape([b, d]), conv, cell)
    }
}

/// The mLSTM layer inside the block (up-projection, conv, q/k/v, cell, skip, gate, down).
///
/// Tensors: `proj_up.weight` `[d, 2·inner]` (first half the cell branch, second half `z`),
/// `conv.{weight,bias}`, `q_proj.weight`/`k_proj.weight`/`v_proj.weight`
/// `[inner/4, 4, 4]`, `cell.*`, `skip` `[inner]`, `proj_down.weight` `[inner, d]`.
#[derive(Module, Debug)]
pub struct MlstmLayer {
    pub proj_up: Linear,
    pub conv: CausalConv,
    pub q_proj: HeadwiseLinear,
    pub k_proj: HeadwiseLinear,
    pub v_proj: HeadwiseLinear,
    pub cell: MlstmCell,
    pub skip: Param<Tensor<1>>,
    pub proj_down: Linear,
    inner: usize,
}

impl MlstmLayer {
    pub fn new(d_model: usize, heads: usize, place: Place, device: &Device) -> Self {
        let inner = mlstm_inner(d_model);
        let std = small_init_std(d_model);
        let qkv = || HeadwiseLinear::new(inner, inner / QKV_BLOCK, std, device);
        Self {
            proj_up: linear(d_model, 2 * inner, std, device),
            conv: CausalConv::new(inner, CONV_KERNEL, device),
            q_proj: qkv(),
            k_proj: qkv(),
            v_proj: qkv(),
            cell: MlstmCell::new(inner, heads, device),
            skip: Param::from_tensor(Tensor::ones([inner], device)),
            proj_down: linear(inner, d_model, wang_init_std(d_model, place.blocks), device),
            inner,
        }
    }

    /// Everything before the cell: `(branch, conv output after SiLU, z)`, each `[b, s, inner]`,
    /// and the conv history after this input.
    fn branches(&self, x: Tensor<3>, history: Tensor<3>) -> ([Tensor<3>; 3], Tensor<3>) {
        let [b, s, _] = x.dims();
        let n = self.inner;
        let up = self.proj_up.forward(x); // [b, s, 2·inner]
        let branch = up.clone().slice([0..b, 0..s, 0..n]);
        let z = up.slice([0..b, 0..s, n..2 * n]);
        let (conv, history) = self.conv.forward_with(branch.clone(), history);
        ([branch, silu(conv), z], history)
    }

    /// Everything after the cell.
    fn output(&self, h: Tensor<3>, conv_act: Tensor<3>, z: Tensor<3>) -> Tensor<3> {
        let skip = self.skip.val().reshape([1, 1, self.inner]);
        self.proj_down.forward((h + conv_act * skip) * silu(z))
    }

    /// Parallel form. x: `[batch, seq, d_model]` → same.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, _, _] = x.dims();
        let history = self.conv.empty_history(b, &x.device());
        let ([branch, conv_act, z], _) = self.branches(x, history);
        let q = self.q_proj.forward(conv_act.clone());
        let k = self.k_proj.forward(conv_act.clone());
        let v = self.v_proj.forward(branch);
        let h = self.cell.forward(q, k, v);
        self.output(h, conv_act, z)
    }

    /// Recurrent form, one token. x: `[batch, 1, d_model]` → same.
    pub fn step(
        &self,
        x: Tensor<3>,
        history: Tensor<3>,
        state: MlstmState,
    ) -> (Tensor<3>, Tensor<3>, MlstmState) {
        let [b, _, _] = x.dims();
        let n = self.inner;
        let ([branch, conv_act, z], history) = self.branches(x, history);
        let flat = |t: Tensor<3>| t.reshape([b, n]);
        let q = flat(self.q_proj.forward(conv_act.clone()));
        let k = flat(self.k_proj.forward(conv_act.clone()));
        let v = flat(self.v_proj.forward(branch));
        let (h, state) = self.cell.step(q, k, v, state);
        (
            self.output(h.reshape([b, 1, n]), conv_act, z),
            history,
            state,
        )
    }
}

/// Pre-LayerNorm residual sLSTM block followed by a residual gated feed-forward.
///
/// Tensors: `norm.gamma`, `slstm.*`, `ffn_norm.gamma`, `ffn.proj_up.weight` `[d, 2·ffn]`
/// (first half the GELU gate, second half the value), `ffn.proj_down.weight` `[ffn, d]`.
#[derive(Module, Debug)]
pub struct SlstmBlock {
    pub norm: LayerNorm,
    pub slstm: SlstmLayer,
    pub ffn_norm: LayerNorm,
    pub ffn: GatedFeedForward,
}

impl SlstmBlock {
    pub fn new(d_model: usize, heads: usize, place: Place, device: &Device) -> Self {
        Self {
            norm: layer_norm(d_model, device),
            slstm: SlstmLayer::new(d_model, heads, place, device),
            ffn_norm: layer_norm(d_model, device),
            ffn: GatedFeedForward::new(d_model, place, device),
        }
    }

    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, _, _] = x.dims();
        let history = self.slstm.conv.empty_history(b, &x.device());
        let (y, _, _) = self
            .slstm
            .forward(self.norm.forward(x.clone()), history, None);
        let x = x + y;
        x.clone() + self.ffn.forward(self.ffn_norm.forward(x))
    }

    fn step(
        &self,
        x: Tensor<2>,
        history: Tensor<3>,
        state: Option<SlstmState>,
    ) -> (Tensor<2>, Tensor<3>, SlstmState) {
        let [b, d] = x.dims();
        let x = x.reshape([b, 1, d]);
        let (y, history, state) = self
            .slstm
            .forward(self.norm.forward(x.clone()), history, state);
        let x = x + y;
        let x = x.clone() + self.ffn.forward(self.ffn_norm.forward(x));
        (x.reshape([b, d]), history, state)
    }
}

/// The sLSTM layer: conv for `ĩ, f̃`, four head-wise gate projections, the cell, a per-head norm.
///
/// Tensors: `conv.{weight,bias}`, `igate.weight`/`fgate.weight`/`zgate.weight`/`ogate.weight`
/// `[heads, d/heads, d/heads]`, `cell.recurrent`, `cell.bias`, `norm.weight` `[d]`.
#[derive(Module, Debug)]
pub struct SlstmLayer {
    pub conv: CausalConv,
    pub igate: HeadwiseLinear,
    pub fgate: HeadwiseLinear,
    pub zgate: HeadwiseLinear,
    pub ogate: HeadwiseLinear,
    pub cell: SlstmCell,
    pub norm: MultiHeadNorm,
}

impl SlstmLayer {
    pub fn new(d_model: usize, heads: usize, place: Place, device: &Device) -> Self {
        let std = small_init_std(d_model);
        let gate = || HeadwiseLinear::new(d_model, heads, std, device);
        Self {
            conv: CausalConv::new(d_model, CONV_KERNEL, device),
            igate: gate(),
            fgate: gate(),
            zgate: gate(),
            ogate: gate(),
            cell: SlstmCell::new(d_model, heads, place.index, place.blocks, device),
            norm: MultiHeadNorm::new(d_model, heads, device),
        }
    }

    /// Runs the layer over `x` from a state (`None`: the start of a sequence).
    ///
    /// # Shapes
    /// - x: `[batch, seq, d_model]` → same, plus the conv history and cell state after it
    pub fn forward(
        &self,
        x: Tensor<3>,
        history: Tensor<3>,
        state: Option<SlstmState>,
    ) -> (Tensor<3>, Tensor<3>, SlstmState) {
        let (conv, history) = self.conv.forward_with(x.clone(), history);
        let conv = silu(conv);
        let wx = Tensor::stack(
            vec![
                self.igate.forward(conv.clone()),
                self.fgate.forward(conv),
                self.zgate.forward(x.clone()),
                self.ogate.forward(x),
            ],
            2,
        ); // [b, s, 4, d]
        let (h, state) = self.cell.forward(wx, state);
        (self.norm.forward(h), history, state)
    }
}

/// `W_down(GELU(g) ⊙ u)` with `[g, u] = W_up x`, no biases.
#[derive(Module, Debug)]
pub struct GatedFeedForward {
    pub proj_up: Linear,
    pub proj_down: Linear,
    width: usize,
}

impl GatedFeedForward {
    pub fn new(d_model: usize, place: Place, device: &Device) -> Self {
        let width = ffn_width(d_model);
        Self {
            proj_up: linear(d_model, 2 * width, small_init_std(d_model), device),
            proj_down: linear(width, d_model, wang_init_std(d_model, place.blocks), device),
            width,
        }
    }

    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, s, _] = x.dims();
        let w = self.width;
        let up = self.proj_up.forward(x);
        let gate = up.clone().slice([0..b, 0..s, 0..w]);
        let value = up.slice([0..b, 0..s, w..2 * w]);
        self.proj_down.forward(gelu(gate) * value)
    }
}
