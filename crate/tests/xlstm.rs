//! xLSTM cells and stack (docs/SCIENCE.md §2) on the CPU backend: hand-computed steps, the
//! mLSTM's parallel form against its recurrent form, the stabilized cells against a direct
//! (unstabilized) computation in f64, and recurrent inference with a constant-size state.
#![cfg(not(target_family = "wasm"))]

use burn::module::{Module, Param};
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use iclab::model::XlstmConfig;
use iclab::model::xlstm::mlstm::{self, MlstmState};
use iclab::model::xlstm::slstm::SlstmCell;

fn device() -> Device {
    Device::flex()
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

fn tensor<const D: usize>(data: Vec<f32>, shape: [usize; D]) -> Tensor<D> {
    Tensor::from_data(TensorData::new(data, shape), &device())
}

fn close(got: &[f32], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (f64::from(*g) - w).abs();
        assert!(
            err <= tol * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, want {w} (|Δ| = {err:e}, tol {tol:e})"
        );
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Deterministic pseudo-random numbers in [-1, 1) for the f64 references.
fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn f32s(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

// ---------------------------------------------------------------- sLSTM

/// One unit, one head; step 2 feeds h_1 back into z̃ through R (R_z = 1). By hand:
/// step 1: m = ĩ = 0, i = 1, c = tanh 1, n = 1, h = σ(0)·tanh 1 = 0.380797;
/// step 2: ĩ = ln 2, log σ(0) = −ln 2, m = max(−ln 2 + 0, ln 2) = ln 2, i = 1, f = 1/4,
/// z̃ = −1 + h_1, c = tanh 1 / 4 + tanh(z̃) = −0.360174, n = 1.25, h = c / (2n) = −0.144070.
#[test]
fn slstm_two_steps_by_hand() {
    let mut cell = SlstmCell::new(1, 1, 0, 1, &device());
    cell.recurrent = Param::from_tensor(tensor(vec![0.0, 0.0, 1.0, 0.0], [1, 1, 4]));
    cell.bias = Param::from_tensor(Tensor::zeros([4, 1], &device()));
    let ln2 = std::f32::consts::LN_2;
    // [batch 1, seq 2, gates (i, f, z, o), unit 1]
    let wx = tensor(vec![0.0, 0.0, 1.0, 0.0, ln2, 0.0, -1.0, 0.0], [1, 2, 4, 1]);
    let (h, state) = cell.forward(wx, None);
    close(
        &values(h),
        &[0.380_797_077_977_882_4, -0.144_069_709_571_617_63],
        1e-6,
        "h",
    );
    close(&values(state.c), &[-0.360_174_273_929_044_1], 1e-6, "c");
    close(&values(state.n), &[1.25], 1e-6, "n");
    close(&values(state.m), &[std::f64::consts::LN_2], 1e-6, "m");
}

/// Direct sLSTM in f64 without a stabilizer: c = σ(f̃)c + e^ĩ tanh z̃, n = σ(f̃)n + e^ĩ.
/// `wx`: [seq][4][units], `r`: [heads][hd][4·hd], `bias`: [4][units]. Returns h per step.
fn slstm_direct(wx: &[Vec<Vec<f64>>], r: &[f64], bias: &[f64], heads: usize) -> Vec<Vec<f64>> {
    let units = wx[0][0].len();
    let hd = units / heads;
    let (mut c, mut n, mut h) = (vec![0.0; units], vec![0.0; units], vec![0.0; units]);
    let mut out = Vec::new();
    for x in wx {
        let mut raw = vec![vec![0.0; units]; 4];
        for g in 0..4 {
            for u in 0..units {
                let head = u / hd;
                let mut acc = x[g][u] + bias[g * units + u];
                for j in 0..hd {
                    acc += h[head * hd + j] * r[(head * hd + j) * 4 * hd + g * hd + u % hd];
                }
                raw[g][u] = acc;
            }
        }
        for u in 0..units {
            let (i, f) = (raw[0][u].exp(), sigmoid(raw[1][u]));
            c[u] = f * c[u] + i * raw[2][u].tanh();
            n[u] = f * n[u] + i;
            h[u] = sigmoid(raw[3][u]) * c[u] / n[u];
        }
        out.push(h.clone());
    }
    out
}

fn slstm_case(gate_scale: f64, input_offset: f64, seed: u64) -> (Vec<f32>, Vec<f64>) {
    let (seq, heads, units) = (6, 2, 4);
    let hd = units / heads;
    let raw = uniform(seq * 4 * units, seed);
    // Input gate pre-activations shifted by `input_offset` (large: e^ĩ overflows).
    let wx: Vec<Vec<Vec<f64>>> = (0..seq)
        .map(|t| {
            (0..4)
                .map(|g| {
                    (0..units)
                        .map(|u| {
                            let v = raw[(t * 4 + g) * units + u] * gate_scale;
                            if g == 0 { v + input_offset } else { v }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let r = uniform(heads * hd * 4 * hd, seed + 1);
    let bias = uniform(4 * units, seed + 2);
    let want: Vec<f64> = slstm_direct(&wx, &r, &bias, heads).concat();
    let mut cell = SlstmCell::new(units, heads, 0, 1, &device());
    cell.recurrent = Param::from_tensor(tensor(f32s(&r), [heads, hd, 4 * hd]));
    cell.bias = Param::from_tensor(tensor(f32s(&bias), [4, units]));
    let flat: Vec<f64> = wx.iter().flatten().flatten().copied().collect();
    let (h, _) = cell.forward(tensor(f32s(&flat), [1, seq, 4, units]), None);
    (values(h), want)
}

#[test]
fn slstm_stabilized_equals_direct_computation() {
    let (got, want) = slstm_case(2.0, 0.0, 7);
    close(&got, &want, 1e-5, "h (moderate gates)");
    // ĩ ≈ 300: e^ĩ overflows f32 (and a direct f32 cell would give inf/inf = NaN), f64 holds.
    let (got, want) = slstm_case(2.0, 300.0, 11);
    assert!(
        (300.0f32).exp().is_infinite(),
        "the direct f32 computation overflows"
    );
    assert!(got.iter().all(|v| v.is_finite()));
    close(&got, &want, 1e-5, "h (ĩ ≈ 300)");
    // ĩ ≈ 2000 overflows even f64; the stabilized cell stays finite and bounded by |σ(õ)| ≤ 1.
    let (got, want) = slstm_case(50.0, 2000.0, 13);
    assert!(want.iter().any(|v| !v.is_finite()), "f64 overflows here");
    assert!(
        got.iter().all(|v| v.is_finite() && v.abs() <= 1.0 + 1e-6),
        "{got:?}"
    );
}

// ---------------------------------------------------------------- mLSTM

/// One head, d_k = 2, two steps. By hand (see the Python-free derivation in the comments):
/// step 1: m = max(log σ(0) + 0, 0) = 0, i = 1, k/√2 = (.7071, .7071), C = k vᵀ/√2,
/// nᵀq = .7071 < e^0 = 1 so h = Cᵀq = .7071·(2, −1); step 2: m = max(log σ(2), 1) = 1, …
#[test]
fn mlstm_two_steps_by_hand() {
    let want = [1.414_212_15, -0.707_106_07, 1.195_507_26, 2.217_966_97];
    let q = vec![1.0, 0.0, 0.5, 1.0];
    let k = vec![1.0, 1.0, 0.0, 2.0];
    let v = vec![2.0, -1.0, 1.0, 3.0];
    let (ig, fg) = (vec![0.0, 1.0], vec![0.0, 2.0]);
    // parallel: [batch 1, head 1, seq 2, d_k 2]
    let out = mlstm::parallel(
        tensor(q.clone(), [1, 1, 2, 2]),
        tensor(k.clone(), [1, 1, 2, 2]),
        tensor(v.clone(), [1, 1, 2, 2]),
        tensor(ig.clone(), [1, 1, 2]),
        tensor(fg.clone(), [1, 1, 2]),
        mlstm::EPS,
    );
    close(&values(out), &want, 1e-6, "parallel h");
    // recurrent
    let mut state = MlstmState::zeros(1, 1, 2, &device());
    let mut got = Vec::new();
    for t in 0..2 {
        let at = |x: &Vec<f32>| tensor(x[2 * t..2 * t + 2].to_vec(), [1, 1, 2]);
        let (h, next) = mlstm::recurrent_step(
            at(&q),
            at(&k),
            at(&v),
            tensor(vec![ig[t]], [1, 1]),
            tensor(vec![fg[t]], [1, 1]),
            state,
            mlstm::EPS,
        );
        got.extend(values(h));
        state = next;
    }
    close(&got, &want, 1e-6, "recurrent h");
    close(&values(state.m), &[1.0], 1e-6, "m");
}

struct MlstmCase {
    q: Vec<f64>,
    k: Vec<f64>,
    v: Vec<f64>,
    ig: Vec<f64>,
    fg: Vec<f64>,
    shape: [usize; 4], // batch, heads, seq, d_k
}

fn mlstm_case(shape: [usize; 4], ig_offset: f64, seed: u64) -> MlstmCase {
    let [b, h, s, dk] = shape;
    let n = b * h * s * dk;
    let ig = uniform(b * h * s, seed + 3)
        .iter()
        .map(|x| 3.0 * x + ig_offset)
        .collect();
    let fg = uniform(b * h * s, seed + 4)
        .iter()
        .map(|x| 3.0 * x + 2.0)
        .collect();
    MlstmCase {
        q: uniform(n, seed),
        k: uniform(n, seed + 1),
        v: uniform(n, seed + 2),
        ig,
        fg,
        shape,
    }
}

impl MlstmCase {
    fn parallel(&self, eps: f64) -> Vec<f32> {
        let [b, h, s, dk] = self.shape;
        values(mlstm::parallel(
            tensor(f32s(&self.q), [b, h, s, dk]),
            tensor(f32s(&self.k), [b, h, s, dk]),
            tensor(f32s(&self.v), [b, h, s, dk]),
            tensor(f32s(&self.ig), [b, h, s]),
            tensor(f32s(&self.fg), [b, h, s]),
            eps,
        ))
    }

    /// Output in the parallel layout [b, h, s, dk].
    fn recurrent(&self, eps: f64) -> Vec<f32> {
        let [b, h, s, dk] = self.shape;
        let pick = |x: &[f64], width: usize, t: usize| -> Vec<f32> {
            let mut out = Vec::with_capacity(b * h * width);
            for bh in 0..b * h {
                let start = (bh * s + t) * width;
                out.extend(f32s(&x[start..start + width]));
            }
            out
        };
        let mut state = MlstmState::zeros(b, h, dk, &device());
        let mut steps = Vec::new();
        for t in 0..s {
            let (out, next) = mlstm::recurrent_step(
                tensor(pick(&self.q, dk, t), [b, h, dk]),
                tensor(pick(&self.k, dk, t), [b, h, dk]),
                tensor(pick(&self.v, dk, t), [b, h, dk]),
                tensor(pick(&self.ig, 1, t), [b, h]),
                tensor(pick(&self.fg, 1, t), [b, h]),
                state,
                eps,
            );
            steps.push(values(out));
            state = next;
        }
        let mut out = vec![0.0; b * h * s * dk];
        for (t, step) in steps.iter().enumerate() {
            for bh in 0..b * h {
                let dst = (bh * s + t) * dk;
                out[dst..dst + dk].copy_from_slice(&step[bh * dk..(bh + 1) * dk]);
            }
        }
        out
    }

    /// Direct f64 computation without a stabilizer (denominator max(|nᵀq|, 1), no eps).
    fn direct(&self) -> Vec<f64> {
        let [b, h, s, dk] = self.shape;
        let scale = (dk as f64).sqrt();
        let mut out = vec![0.0; b * h * s * dk];
        for bh in 0..b * h {
            let mut c = vec![0.0; dk * dk];
            let mut n = vec![0.0; dk];
            for t in 0..s {
                let row = (bh * s + t) * dk;
                let (q, k, v) = (
                    &self.q[row..row + dk],
                    &self.k[row..row + dk],
                    &self.v[row..row + dk],
                );
                let (i, f) = (self.ig[bh * s + t].exp(), sigmoid(self.fg[bh * s + t]));
                for a in 0..dk {
                    n[a] = f * n[a] + i * k[a] / scale;
                    for e in 0..dk {
                        c[a * dk + e] = f * c[a * dk + e] + i * k[a] / scale * v[e];
                    }
                }
                let nq: f64 = (0..dk).map(|a| n[a] * q[a]).sum();
                for e in 0..dk {
                    let num: f64 = (0..dk).map(|a| c[a * dk + e] * q[a]).sum();
                    out[row + e] = num / nq.abs().max(1.0);
                }
            }
        }
        out
    }
}

/// The two forms compute the same h̃; they differ only in where the stabilizer starts (which
/// moves the eps term, ~1e-6 relative) and in f32 summation order. Tolerance: 1e-4 relative.
#[test]
fn mlstm_parallel_equals_recurrent() {
    for (seed, offset) in [(1, 0.0), (2, -4.0), (3, 5.0)] {
        let case = mlstm_case([2, 3, 17, 8], offset, seed);
        let recurrent = case.recurrent(mlstm::EPS);
        let want: Vec<f64> = recurrent.iter().map(|&x| f64::from(x)).collect();
        close(
            &case.parallel(mlstm::EPS),
            &want,
            1e-4,
            &format!("seed {seed}"),
        );
    }
}

/// Stabilizing scales numerator and denominator by e^(−m) exactly; only the eps term does not
/// scale (it moves h̃ by at most eps/|n'ᵀq| relative, n' the stabilized normalizer). So the
/// comparison with the direct computation uses eps = 0 (tolerance 1e-4 for f32 rounding), and
/// the finiteness checks use the reference eps.
#[test]
fn mlstm_stabilized_equals_direct_computation() {
    for (offset, seed) in [(0.0, 21), (300.0, 22)] {
        let case = mlstm_case([1, 2, 12, 4], offset, seed);
        let want = case.direct();
        // At ĩ ≈ 300 e^ĩ overflows f32 (a direct f32 cell is NaN) but not f64.
        assert!(want.iter().all(|v| v.is_finite()));
        close(
            &case.parallel(0.0),
            &want,
            1e-4,
            &format!("parallel, ĩ ≈ {offset}"),
        );
        close(
            &case.recurrent(0.0),
            &want,
            1e-4,
            &format!("recurrent, ĩ ≈ {offset}"),
        );
        assert!(case.parallel(mlstm::EPS).iter().all(|v| v.is_finite()));
    }
    // ĩ ≈ 1000 overflows f64 too; the stabilized forms stay finite.
    let case = mlstm_case([1, 2, 12, 4], 1000.0, 23);
    assert!(case.direct().iter().any(|v| !v.is_finite()));
    assert!(case.parallel(mlstm::EPS).iter().all(|v| v.is_finite()));
    assert!(case.recurrent(mlstm::EPS).iter().all(|v| v.is_finite()));
}

// ---------------------------------------------------------------- the stack

fn stack(ratio: (usize, usize), blocks: usize) -> iclab::model::Xlstm {
    iclab::model::seeded(&device(), 5, || {
        XlstmConfig::new(3)
            .with_n_blocks(blocks)
            .with_d_model(16)
            .with_n_heads(2)
            .with_mlstm_ratio(ratio.0)
            .with_slstm_ratio(ratio.1)
            .init(&device())
    })
}

#[test]
fn ratio_places_the_block_kinds() {
    let kinds = |a, b, n| {
        let config = XlstmConfig::new(1).with_mlstm_ratio(a).with_slstm_ratio(b);
        (0..n)
            .map(|i| if config.is_slstm(i) { 's' } else { 'm' })
            .collect::<String>()
    };
    assert_eq!(kinds(1, 1, 4), "msms");
    assert_eq!(kinds(1, 0, 3), "mmm");
    assert_eq!(kinds(0, 1, 2), "ss");
    assert_eq!(kinds(3, 1, 8), "mmmsmmms");
}

/// Token-by-token inference with the recurrent forms equals the training forward pass, and
/// the state holds the same number of floats after 2 tokens as after 40.
#[test]
fn recurrent_inference_matches_forward_with_constant_state() {
    let model = stack((1, 1), 4);
    let (batch, seq) = (3, 40);
    let tokens = Tensor::<3>::random([batch, seq, 3], Distribution::Normal(0.0, 1.0), &device());
    let want = values(model.forward(tokens.clone())); // [batch, seq]
    let mut state = model.empty_state(batch, &device());
    let initial = state.floats();
    let mut got = vec![0.0f32; batch * seq];
    let mut sizes = Vec::new();
    for t in 0..seq {
        let token = tokens
            .clone()
            .slice([0..batch, t..t + 1, 0..3])
            .reshape([batch, 3]);
        let (y, next) = model.step(token, state).expect("state fits the model");
        for (b, v) in values(y).into_iter().enumerate() {
            got[b * seq + t] = v;
        }
        sizes.push(next.floats());
        state = next;
    }
    let want: Vec<f64> = want.iter().map(|&x| f64::from(x)).collect();
    close(&got, &want, 1e-4, "step-by-step vs forward");
    assert!(
        sizes.iter().all(|&s| s == initial),
        "state sizes {sizes:?} vs {initial}"
    );
    // (1 mLSTM head-dim² + conv history) per block: independent of seq by construction.
    assert!(initial > 0);
}

#[test]
fn a_state_from_another_stack_is_an_error() {
    let model = stack((1, 1), 2);
    let other = stack((0, 1), 2);
    let state = other.empty_state(1, &device());
    let token = Tensor::<2>::zeros([1, 3], &device());
    let err = model.step(token.clone(), state).expect_err("kinds differ");
    assert_eq!(err.field(), Some("state"));
    let err = model
        .step(token, stack((1, 1), 3).empty_state(1, &device()))
        .expect_err("lengths differ");
    assert_eq!(err.field(), Some("state"));
}

#[test]
fn tiny_preset_has_about_the_transformer_s_parameter_count() {
    let xlstm = XlstmConfig::new(5).init(&device()).num_params();
    let transformer = iclab::model::TransformerConfig::new(5, 22)
        .init(&device())
        .num_params();
    assert!(
        (0.5..1.5).contains(&(xlstm as f64 / transformer as f64)),
        "xLSTM tiny {xlstm} vs transformer tiny {transformer}"
    );
}
