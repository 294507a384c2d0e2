//! The mLSTM of Beck et al. 2024 (docs/SCIENCE.md §2): a matrix memory with a covariance
//! update, exponential input gate and sigmoid forget gate, stabilized in log space.
//!
//! Recurrent form, per head, with `d_k` the head width and state `(C, n, m)` starting at zero:
//! ```text
//! m_t = max(log σ(f̃_t) + m_{t−1}, ĩ_t)
//! i_t = exp(ĩ_t − m_t),   f_t = exp(log σ(f̃_t) + m_{t−1} − m_t)
//! C_t = f_t C_{t−1} + i_t (k_t/√d_k) v_tᵀ
//! n_t = f_t n_{t−1} + i_t k_t/√d_k
//! h̃_t = (C_tᵀ q_t) / (max(|n_tᵀ q_t|, exp(−m_t)) + 1e-6)
//! ```
//! Parallel form (training), per head: `log D[t,s] = Σ_{r=s+1..t} log σ(f̃_r) + ĩ_s` for s ≤ t,
//! −∞ above the diagonal; `m_t = max_s log D[t,s]`; `C = (q kᵀ/√d_k) ⊙ exp(log D − m_t)`;
//! `h̃ = C v / (max(|Σ_s C[t,s]|, exp(−m_t)) + 1e-6)`.
//!
//! The two forms differ only in the stabilizer's start (`m_0 = 0` recurrently, the row max in
//! parallel), which moves the `exp(−m)` floor and the eps term: they agree to ~1e-6 relative
//! (exactly with eps = 0). Scaling the state by `exp(−m_t)` leaves `h̃` unchanged except for the
//! eps term, which is why the stabilized cell equals the direct computation
//! `C_t = σ(f̃_t) C_{t−1} + exp(ĩ_t) k_t v_tᵀ/√d_k` wherever that does not overflow.
//!
//! `ĩ` and `f̃` are one scalar per head and step, from a linear layer on `concat(q, k, v)`.
//! The cell has no output gate and no hidden-to-hidden recurrence; the block
//! ([`super::block`]) adds those around it.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::log_sigmoid;
use burn::tensor::{Bool, Device, Distribution, Tensor};

use super::parts::MultiHeadNorm;

/// The eps added to the normalizer, as in the reference.
pub const EPS: f64 = 1e-6;

/// Matrix memory of one mLSTM cell for the recurrent form.
///
/// # Shapes
/// - `c`: `[batch, heads, d_k, d_v]`, `n`: `[batch, heads, d_k]`, `m`: `[batch, heads]`
#[derive(Debug, Clone)]
pub struct MlstmState {
    pub c: Tensor<4>,
    pub n: Tensor<3>,
    pub m: Tensor<2>,
}

impl MlstmState {
    pub fn zeros(batch: usize, heads: usize, head_dim: usize, device: &Device) -> Self {
        Self {
            c: Tensor::zeros([batch, heads, head_dim, head_dim], device),
            n: Tensor::zeros([batch, heads, head_dim], device),
            m: Tensor::zeros([batch, heads], device),
        }
    }

    /// Floats held, independent of how many tokens were read.
    pub fn floats(&self) -> usize {
        self.c.shape().num_elements()
            + self.n.shape().num_elements()
            + self.m.shape().num_elements()
    }
}

/// The mLSTM cell: gates from `concat(q, k, v)`, the memory, a per-head LayerNorm on the output.
///
/// Tensors: `igate.weight` `[3·inner, heads]`, `igate.bias` `[heads]`, same for `fgate`,
/// `norm.weight` `[inner]`.
#[derive(Module, Debug)]
pub struct MlstmCell {
    pub igate: Linear,
    pub fgate: Linear,
    pub norm: MultiHeadNorm,
    heads: usize,
}

impl MlstmCell {
    /// Reference init: gate weights 0; forget bias linspace(3, 6) over heads (remember most of
    /// the past at the start); input bias N(0, 0.1²).
    pub fn new(inner: usize, heads: usize, device: &Device) -> Self {
        let mut igate = LinearConfig::new(3 * inner, heads).init(device);
        let mut fgate = LinearConfig::new(3 * inner, heads).init(device);
        igate.weight = igate.weight.map(|w| w.zeros_like());
        fgate.weight = fgate.weight.map(|w| w.zeros_like());
        igate.bias = igate
            .bias
            .map(|b| b.map(|b| b.random_like(Distribution::Normal(0.0, 0.1))));
        let spread: Vec<f32> = (0..heads)
            .map(|h| {
                if heads == 1 {
                    3.0
                } else {
                    3.0 + 3.0 * h as f32 / (heads - 1) as f32
                }
            })
            .collect();
        fgate.bias = fgate
            .bias
            .map(|b| b.map(|_| Tensor::from_floats(spread.as_slice(), device)));
        Self {
            igate,
            fgate,
            norm: MultiHeadNorm::new(inner, heads, device),
            heads,
        }
    }

    pub fn heads(&self) -> usize {
        self.heads
    }

    /// Gate pre-activations `(ĩ, f̃)`, each `[batch, seq, heads]`.
    fn gates(&self, q: Tensor<3>, k: Tensor<3>, v: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let input = Tensor::cat(vec![q, k, v], 2);
        (self.igate.forward(input.clone()), self.fgate.forward(input))
    }

    /// Parallel form over a whole sequence.
    ///
    /// # Shapes
    /// - q, k, v: `[batch, seq, inner]` → `[batch, seq, inner]`
    pub fn forward(&self, q: Tensor<3>, k: Tensor<3>, v: Tensor<3>) -> Tensor<3> {
        let [b, s, inner] = q.dims();
        let h = self.heads;
        let (ig, fg) = self.gates(q.clone(), k.clone(), v.clone());
        let heads = |t: Tensor<3>| t.reshape([b, s, h, inner / h]).swap_dims(1, 2);
        let out = parallel(
            heads(q),
            heads(k),
            heads(v),
            ig.swap_dims(1, 2),
            fg.swap_dims(1, 2),
            EPS,
        ); // [b, h, s, d_k]
        self.norm
            .forward(out.swap_dims(1, 2).reshape([b, s, inner]))
    }

    /// Recurrent form: one token.
    ///
    /// # Shapes
    /// - q, k, v: `[batch, inner]` → `[batch, inner]`
    pub fn step(
        &self,
        q: Tensor<2>,
        k: Tensor<2>,
        v: Tensor<2>,
        state: MlstmState,
    ) -> (Tensor<2>, MlstmState) {
        let [b, inner] = q.dims();
        let h = self.heads;
        let seq = |t: Tensor<2>| t.reshape([b, 1, inner]);
        let (ig, fg) = self.gates(seq(q.clone()), seq(k.clone()), seq(v.clone()));
        let heads = |t: Tensor<2>| t.reshape([b, h, inner / h]);
        let (out, state) = recurrent_step(
            heads(q),
            heads(k),
            heads(v),
            ig.reshape([b, h]),
            fg.reshape([b, h]),
            state,
            EPS,
        );
        let out = self.norm.forward(out.reshape([b, 1, inner]));
        (out.reshape([b, inner]), state)
    }
}

/// The stabilized parallel form (module docs), per head.
///
/// # Shapes
/// - q, k, v: `[batch, heads, seq, d_k]`; ig, fg: `[batch, heads, seq]`
/// - output: `[batch, heads, seq, d_k]`
pub fn parallel(
    q: Tensor<4>,
    k: Tensor<4>,
    v: Tensor<4>,
    ig: Tensor<3>,
    fg: Tensor<3>,
    eps: f64,
) -> Tensor<4> {
    let [_, _, s, dk] = q.dims();
    let device = q.device();
    // F_t = Σ_{r ≤ t} log σ(f̃_r), so Σ_{r=s+1..t} = F_t − F_s.
    let cum = log_sigmoid(fg).cumsum(2); // [b, h, s]
    let log_d =
        cum.clone().unsqueeze_dim::<4>(3) - cum.unsqueeze_dim::<4>(2) + ig.unsqueeze_dim::<4>(2); // [b, h, t, s]
    // Above the diagonal (s > t) is −∞; a large finite value keeps exp exactly 0 and gradients
    // finite on every backend. burn's `tril_mask` is true exactly at s > t.
    let future = Tensor::<2, Bool>::tril_mask([s, s], 0, &device)
        .float()
        .mul_scalar(-1e30)
        .reshape([1, 1, s, s]);
    let log_d = log_d + future;
    let m = log_d.clone().max_dim(3); // [b, h, t, 1]
    let decay = (log_d - m.clone()).exp();
    let scores = q.matmul(k.swap_dims(2, 3)).div_scalar((dk as f64).sqrt()) * decay; // [b, h, t, s]
    let normalizer = scores
        .clone()
        .sum_dim(3)
        .abs()
        .max_pair(m.neg().exp())
        .add_scalar(eps); // [b, h, t, 1]
    scores.matmul(v) / normalizer
}

/// The stabilized recurrent form (module docs): one step, per head.
///
/// # Shapes
/// - q, k, v: `[batch, heads, d_k]`; ig, fg: `[batch, heads]`
/// - output: `[batch, heads, d_k]`
pub fn recurrent_step(
    q: Tensor<3>,
    k: Tensor<3>,
    v: Tensor<3>,
    ig: Tensor<2>,
    fg: Tensor<2>,
    state: MlstmState,
    eps: f64,
) -> (Tensor<3>, MlstmState) {
    let [b, h, dk] = q.dims();
    let log_f_plus_m = log_sigmoid(fg) + state.m; // [b, h]
    let m = log_f_plus_m.clone().max_pair(ig.clone());
    let i = (ig - m.clone()).exp();
    let f = (log_f_plus_m - m.clone()).exp();
    let k = k.div_scalar((dk as f64).sqrt());
    let outer = k
        .clone()
        .reshape([b, h, dk, 1])
        .matmul(v.reshape([b, h, 1, dk])); // [b, h, dk, dk]
    let c = state.c * f.clone().reshape([b, h, 1, 1]) + outer * i.clone().reshape([b, h, 1, 1]);
    let n = state.n * f.reshape([b, h, 1]) + k * i.reshape([b, h, 1]);
    let q4 = q.clone().reshape([b, h, 1, dk]);
    let numerator = q4.matmul(c.clone()).reshape([b, h, dk]); // (Cᵀq)ᵀ
    let nq = (n.clone() * q).sum_dim(2); // [b, h, 1]
    let denominator = nq
        .abs()
        .max_pair(m.clone().neg().exp().reshape([b, h, 1]))
        .add_scalar(eps);
    (numerator / denominator, MlstmState { c, n, m })
}
