//! The sLSTM of Beck et al. 2024 (docs/SCIENCE.md §2): scalar memory with an exponential
//! input gate, a normalizer state and a stabilizer state, and head-wise recurrence.
//!
//! Per unit, with pre-activations `ĩ, f̃, z̃, õ = W x_t + R h_{t−1} + b` (`R` block-diagonal per
//! head, initialized to zero) and state `(c, n, m, h)` starting at zero:
//! ```text
//! m_t = max(log σ(f̃_t) + m_{t−1}, ĩ_t)     (m_t = ĩ_t on the first step, where n_{t−1} = 0)
//! i_t = exp(ĩ_t − m_t)
//! f_t = exp(log σ(f̃_t) + m_{t−1} − m_t)
//! c_t = f_t c_{t−1} + i_t tanh(z̃_t)
//! n_t = f_t n_{t−1} + i_t
//! h_t = σ(õ_t) ⊙ c_t / n_t
//! ```
//! `c` and `n` are both scaled by `exp(−m_t)`, so `h_t` equals the direct computation
//! (`c_t = σ(f̃_t) c_{t−1} + exp(ĩ_t) tanh(z̃_t)`, same for `n`) wherever that does not
//! overflow, and stays finite where it would.
//!
//! The recurrence makes the sLSTM sequential: training runs the loop over the prompt; the
//! state is four vectors whatever the prompt length.

use burn::module::{Module, Param};
use burn::tensor::activation::{log_sigmoid, sigmoid};
use burn::tensor::{Device, Tensor};

/// Gate order in the pre-activation and parameter layouts.
pub const GATES: [&str; 4] = ["i", "f", "z", "o"];

/// State of one sLSTM cell. All four: `[batch, units]`.
#[derive(Debug, Clone)]
pub struct SlstmState {
    pub c: Tensor<2>,
    pub n: Tensor<2>,
    pub m: Tensor<2>,
    pub h: Tensor<2>,
}

impl SlstmState {
    /// Floats held, independent of how many tokens were read.
    pub fn floats(&self) -> usize {
        4 * self.c.shape().num_elements()
    }
}

/// The sLSTM cell: recurrence and biases (input projections live in the block).
///
/// Tensors: `recurrent` `[heads, head_dim, 4·head_dim]` — entry `[h, j, g·head_dim + u]` feeds
/// unit `j` of head `h` at `t − 1` into gate `g` (order i, f, z, o) of unit `u` of the same head;
/// `bias` `[4, units]`, gate-major.
#[derive(Module, Debug)]
pub struct SlstmCell {
    pub recurrent: Param<Tensor<3>>,
    pub bias: Param<Tensor<2>>,
}

impl SlstmCell {
    /// Reference init: `R = 0`; biases 0 except the forget gate's, spread over each head's
    /// units from +5 down to −7 by a power law that depends on the block's depth
    /// (`-(-5 + 12 (u / (head_dim − 1))^(0.3 + 1.3 · block / (blocks − 1)))`, the reference's
    /// "powerlaw_blockdependent"): some units remember for long, others forget at once.
    pub fn new(units: usize, heads: usize, block: usize, blocks: usize, device: &Device) -> Self {
        let hd = units / heads;
        let ratio = if blocks > 1 {
            block as f64 / (blocks - 1) as f64
        } else {
            0.0
        };
        let per_head: Vec<f32> = (0..hd)
            .map(|u| {
                let x = if hd > 1 {
                    u as f64 / (hd - 1) as f64
                } else {
                    0.0
                };
                (-(-5.0 + 12.0 * x.powf(0.3 + 1.3 * ratio))) as f32
            })
            .collect();
        let mut bias = vec![0.0f32; 4 * units];
        for h in 0..heads {
            bias[units + h * hd..units + (h + 1) * hd].copy_from_slice(&per_head);
        }
        Self {
            recurrent: Param::from_tensor(Tensor::zeros([heads, hd, 4 * hd], device)),
            bias: Param::from_tensor(
                Tensor::<1>::from_floats(bias.as_slice(), device).reshape([4, units]),
            ),
        }
    }

    pub fn units(&self) -> usize {
        self.bias.dims()[1]
    }

    /// Runs the recurrence over a sequence of input pre-activations.
    ///
    /// # Shapes
    /// - wx: `[batch, seq, 4, units]` (`W x_t` per gate, order i, f, z, o)
    /// - output: `[batch, seq, units]` (every `h_t`) and the final state
    pub fn forward(&self, wx: Tensor<4>, state: Option<SlstmState>) -> (Tensor<3>, SlstmState) {
        let [b, s, _, u] = wx.dims();
        let mut state = state;
        let mut hs = Vec::with_capacity(s);
        for t in 0..s {
            let x_t = wx
                .clone()
                .slice([0..b, t..t + 1, 0..4, 0..u])
                .reshape([b, 4, u]);
            let next = self.step(x_t, state.take());
            hs.push(next.h.clone());
            state = Some(next);
        }
        match state {
            Some(state) => (Tensor::stack(hs, 1), state),
            // An empty sequence: nothing read, the zero state.
            None => {
                let zeros = Tensor::<2>::zeros([b, u], &wx.device());
                let state = SlstmState {
                    c: zeros.clone(),
                    n: zeros.clone(),
                    m: zeros.clone(),
                    h: zeros.clone(),
                };
                (Tensor::zeros([b, 0, u], &wx.device()), state)
            }
        }
    }

    /// One step; `None` is the zero state before the first token.
    ///
    /// # Shapes
    /// - wx: `[batch, 4, units]` → state of `[batch, units]` tensors
    pub fn step(&self, wx: Tensor<3>, state: Option<SlstmState>) -> SlstmState {
        let [b, _, u] = wx.dims();
        let [heads, hd, _] = self.recurrent.dims();
        let mut raw = wx + self.bias.val().reshape([1, 4, u]);
        if let Some(prev) = &state {
            // R h_{t−1}, head by head: [heads, b, hd] · [heads, hd, 4·hd]
            let rh = prev
                .h
                .clone()
                .reshape([b, heads, hd])
                .swap_dims(0, 1)
                .matmul(self.recurrent.val()) // [heads, b, 4·hd]
                .reshape([heads, b, 4, hd])
                .swap_dims(0, 1) // [b, heads, 4, hd]
                .swap_dims(1, 2) // [b, 4, heads, hd]
                .reshape([b, 4, u]);
            raw = raw + rh;
        }
        let gate = |g: usize| raw.clone().slice([0..b, g..g + 1, 0..u]).reshape([b, u]);
        let (i_raw, f_raw, z_raw, o_raw) = (gate(0), gate(1), gate(2), gate(3));
        let log_f = log_sigmoid(f_raw);
        let (m, i, f_c, f_n) = match state {
            // n_0 = 0: the stabilizer starts at the first input gate.
            None => (i_raw.clone(), i_raw.zeros_like().exp(), None, None),
            Some(prev) => {
                let log_f_plus_m = log_f + prev.m;
                let m = log_f_plus_m.clone().max_pair(i_raw.clone());
                let i = (i_raw - m.clone()).exp();
                let f = (log_f_plus_m - m.clone()).exp();
                (m, i, Some(f.clone() * prev.c), Some(f * prev.n))
            }
        };
        let z = z_raw.tanh();
        let c = match f_c {
            Some(fc) => fc + i.clone() * z,
            None => i.clone() * z,
        };
        let n = match f_n {
            Some(fn_) => fn_ + i,
            None => i,
        };
        let h = sigmoid(o_raw) * c.clone() / n.clone();
        SlstmState { c, n, m, h }
    }
}
