//! What reading one more token costs each backbone at inference, counted from the config's
//! shapes: the state carried between tokens (floats) and the multiply-adds for the next token.
//!
//! A transformer keeps every earlier token's keys and values (a KV cache growing by
//! `2·layers·d_model` floats per token) and attends over all of them, so its per-token work grows
//! linearly with the prompt. A recurrent xLSTM carries a fixed state (Beck et al. 2024: "linear
//! computation and constant memory complexity with respect to the sequence length"):
//! per mLSTM block `heads·(d_k² + d_k + 1)` for `(C, n, m)` plus the conv history, per sLSTM
//! block `4·d_model` for `(c, n, m, h)` plus the conv history. Counts cover matrix products and
//! the per-token attention or memory update; element-wise work and norms are left out (they are
//! linear in the width and the same at every position).

use serde::Serialize;

use crate::model::xlstm::block::{CONV_KERNEL, QKV_BLOCK, ffn_width, mlstm_inner};
use crate::model::{Backbone, ModelConfig};

/// Cost of the token at each position `1..=tokens` of a prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InferenceCost {
    pub model: Backbone,
    /// Token positions 1, 2, …, `tokens`.
    pub tokens: Vec<u32>,
    /// Floats kept after reading that many tokens (batch of one).
    pub state_floats: Vec<f64>,
    /// Multiply-adds to read the token at that position and predict from it.
    pub multiply_adds: Vec<f64>,
}

/// Token positions a cost curve may cover (the most: the longest prompt).
pub const COST_TOKENS: crate::schema::Field = crate::schema::Field::int("tokens", 1, 65_536);

/// The per-token cost for `config`'s backbone and shape over positions `1..=tokens` (may
/// exceed the model's trained prompt length: the count is for the same width and depth).
pub fn inference_cost(config: &ModelConfig, tokens: u32) -> crate::Result<InferenceCost> {
    COST_TOKENS.check_u32(tokens)?;
    let shape = config.shape;
    let (d, layers, heads) = (shape.d_model as f64, shape.layers, shape.heads as f64);
    let n_dims = config.token_width as f64;
    let edges = n_dims * d + d; // read-in and read-out
    let tokens: Vec<u32> = (1..=tokens).collect();
    let (state_floats, multiply_adds) = match config.backbone {
        Backbone::Transformer => tokens
            .iter()
            .map(|&t| {
                let t = f64::from(t);
                let kv = 2.0 * layers as f64 * d * t;
                // per layer: q, k, v and output projections 4d², MLP 8d², scores and mix 2·t·d
                let work = edges + layers as f64 * (12.0 * d * d + 2.0 * t * d);
                (kv, work)
            })
            .unzip(),
        Backbone::Xlstm => {
            let config_x = config.xlstm();
            let (mut state, mut work) = (0.0, edges);
            let k = CONV_KERNEL as f64;
            for index in 0..layers {
                if config_x.is_slstm(index) {
                    let hd = d / heads;
                    let ffn = ffn_width(shape.d_model) as f64;
                    state += 4.0 * d + (k - 1.0) * d;
                    // conv, 4 input and 4 recurrent head-wise maps, gated FFN
                    work += k * d + 8.0 * d * hd + 3.0 * d * ffn;
                } else {
                    let inner = mlstm_inner(shape.d_model) as f64;
                    let dk = inner / heads;
                    state += heads * (dk * dk + dk + 1.0) + (k - 1.0) * inner;
                    // up 2·d·inner, conv, q/k/v blocks, gates 2·3·inner·heads, memory update and
                    // read-out 2·heads·d_k², down inner·d
                    work += 2.0 * d * inner
                        + k * inner
                        + 3.0 * inner * QKV_BLOCK as f64
                        + 6.0 * inner * heads
                        + 2.0 * heads * dk * dk
                        + inner * d;
                }
            }
            (vec![state; tokens.len()], vec![work; tokens.len()])
        }
    };
    Ok(InferenceCost {
        model: config.backbone,
        tokens,
        state_floats,
        multiply_adds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelShape, Preset};
    use burn::tensor::{Device, Tensor};

    /// The tiny preset's model reading 11 interleaved pairs in d = 5.
    fn tiny(backbone: Backbone, xlstm_ratio: [usize; 2]) -> ModelConfig {
        let (layers, d_model, heads) = backbone.shape(Preset::Tiny);
        ModelConfig {
            backbone,
            shape: ModelShape {
                layers: layers as usize,
                d_model: d_model as usize,
                heads: heads as usize,
            },
            xlstm_ratio,
            token_width: 5,
            seq_len: 22,
            outputs: 1,
            activation: crate::model::Activation::default(),
        }
    }

    /// The counted xLSTM state equals the floats a real model carries between tokens.
    #[test]
    fn xlstm_state_count_matches_a_real_state() {
        for ratio in [[1, 1], [1, 0], [0, 1], [3, 1]] {
            let config = tiny(Backbone::Xlstm, ratio);
            let device = Device::flex();
            let model = config.xlstm().init(&device);
            let mut state = model.empty_state(1, &device);
            for _ in 0..3 {
                let token = Tensor::<2>::zeros([1, config.token_width], &device);
                state = model.step(token, state).expect("state fits").1;
            }
            let cost = inference_cost(&config, 40).expect("valid");
            assert_eq!(cost.state_floats[0], state.floats() as f64, "{ratio:?}");
            assert!(cost.state_floats.windows(2).all(|w| w[0] == w[1]));
        }
    }

    #[test]
    fn transformer_cache_and_work_grow_with_the_prompt() {
        let config = tiny(Backbone::Transformer, [1, 1]); // 3 layers, width 64
        let cost = inference_cost(&config, 22).expect("valid");
        assert_eq!(cost.tokens.len(), 22);
        assert_eq!(cost.state_floats[0], 2.0 * 3.0 * 64.0);
        assert_eq!(cost.state_floats[21], 22.0 * 2.0 * 3.0 * 64.0);
        let step = cost.multiply_adds[1] - cost.multiply_adds[0];
        assert_eq!(step, 3.0 * 2.0 * 64.0);
        let err = inference_cost(&config, 0).expect_err("no tokens");
        assert_eq!(err.field(), Some("tokens"));
    }
}
