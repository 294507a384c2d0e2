//! How much memory training a config needs, estimated from its shapes before anything is built,
//! and the limit above which a config is refused (`too_large`). Called from
//! [`SessionConfig::validate`], so it guards `createSession`, checkpoint headers and the CLI alike.

mod calls;

use serde::Serialize;

use crate::icl::config::SessionConfig;
use crate::memory::{MEMORY_LIMIT_BYTES, OVERHEAD_BYTES, human_bytes};
use crate::{Error, Result};

/// A rough count of what training one step of a config holds in memory at its peak.
///
/// Parameters are counted from the shapes (a transformer layer ≈ 12·d² weights, an xLSTM block
/// ≈ 10·d²), each stored four times (weights, gradients, Adam's two moments). Activations kept
/// for the backward pass are ≈ 33·b·s·d + 3·b·h·s² floats per layer, transformer or xLSTM
/// (projections, MLP, attention scores and softmax; the mLSTM's parallel form builds b·h·s²
/// decay and score matrices), with s tokens (2·points interleaved, points paired), plus
/// `memory::OVERHEAD_BYTES`. Fitted to the bytes really allocated at the peak of a training step
/// (crate/tests/memory.rs, which holds every config of its grid within 20%: presets tiny and
/// small, both backbones, batch 8–64, 11–101 points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MemoryEstimate {
    pub parameters: u64,
    /// Weights, gradients and optimizer state.
    pub state_bytes: u64,
    /// Activations of one batch kept for the backward pass.
    pub activation_bytes: u64,
    /// The two, and what any call allocates besides (`memory::OVERHEAD_BYTES`).
    pub total_bytes: u64,
}

impl SessionConfig {
    /// Peak training memory of this config, from its shapes (no device needed).
    pub fn memory_estimate(&self) -> MemoryEstimate {
        let (layers, d, heads) = self.raw_shape();
        let (layers, d, heads) = (u64::from(layers), u64::from(d), u64::from(heads));
        let b = u64::from(self.batch_size);
        let s = self.seq_len() as u64;
        let (act_linear, act_scores) = self.model.activation_factors();
        let parameters = self.model().parameter_count();
        let per_layer_floats = act_linear * b * s * d + act_scores * b * heads * s * s;
        let state_bytes = 4 * 4 * parameters;
        let activation_bytes = 4 * (layers * per_layer_floats + 4 * b * s * d);
        MemoryEstimate {
            parameters,
            state_bytes,
            activation_bytes,
            total_bytes: state_bytes + activation_bytes + OVERHEAD_BYTES,
        }
    }

    /// Refuses a config whose training step would not fit, saying how much it would need.
    pub(crate) fn check_memory(&self) -> Result<()> {
        let e = self.memory_estimate();
        if e.total_bytes <= MEMORY_LIMIT_BYTES {
            return Ok(());
        }
        let field = if e.activation_bytes > e.state_bytes {
            "batchSize"
        } else {
            "dModel"
        };
        Err(Error::TooLarge {
            field: field.to_owned(),
            needed: human_bytes(e.total_bytes),
            limit: human_bytes(MEMORY_LIMIT_BYTES),
            detail: format!(
                "{} parameters: {} for weights, gradients and Adam state, {} for one batch's \
                 activations; lower batchSize, points, layers or dModel",
                e.parameters,
                human_bytes(e.state_bytes),
                human_bytes(e.activation_bytes)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate's parameter count against the models themselves, exact for both backbones;
    /// the xLSTM has no positional embeddings, so a longer prompt adds no parameters (the estimate
    /// counted a transformer's positional table for it before).
    #[test]
    fn the_parameter_count_is_the_models() {
        let count = |json: &str| {
            let config = SessionConfig::from_json(json).expect("valid");
            let device = burn::tensor::Device::flex();
            let real = burn::module::Module::num_params(&config.model().init(&device));
            (config.memory_estimate().parameters, real as u64)
        };
        for json in [
            r#"{}"#,
            r#"{"points": 41}"#,
            r#"{"preset": "small", "tokens": "paired"}"#,
        ] {
            let (estimate, real) = count(json);
            assert_eq!(estimate, real, "transformer {json}");
        }
        let (short, real) = count(r#"{"model": "xlstm", "points": 11}"#);
        let (long, _) = count(r#"{"model": "xlstm", "points": 41}"#);
        assert_eq!(short, long, "the xLSTM has no positional table");
        assert_eq!(short, real, "xLSTM [1:1]");
        for json in [
            r#"{"model": "xlstm", "xlstmRatio": [1, 0]}"#,
            r#"{"model": "xlstm", "xlstmRatio": [0, 1], "preset": "small"}"#,
        ] {
            let (estimate, real) = count(json);
            assert_eq!(estimate, real, "{json}");
        }
    }

    #[test]
    fn configs_that_would_not_fit_are_refused_with_an_estimate() {
        let tiny = SessionConfig::default().memory_estimate();
        assert!(tiny.total_bytes < 64 << 20, "{tiny:?}");
        assert!(
            tiny.parameters > 100_000 && tiny.parameters < 200_000,
            "{tiny:?}"
        );
        // Activations grow with batch and quadratically with the prompt; state does not.
        let wide = SessionConfig::from_json(r#"{"batchSize": 128, "points": 22}"#)
            .expect("valid")
            .memory_estimate();
        assert_eq!(wide.state_bytes - tiny.state_bytes, 4 * 4 * 22 * 64);
        assert!(wide.activation_bytes > 4 * tiny.activation_bytes);

        let big = r#"{"preset": "small", "batchSize": 4096, "points": 256}"#;
        let err = SessionConfig::from_json(big).expect_err("far too large");
        assert_eq!(err.code(), "too_large");
        assert_eq!(err.field(), Some("batchSize"));
        let message = err.to_string();
        assert!(
            message.contains("GiB") && message.contains("lower batchSize"),
            "{message}"
        );
        let wide_model =
            r#"{"layers": 24, "dModel": 1024, "heads": 8, "batchSize": 1, "points": 2}"#;
        // ~300M parameters: 4.5 GiB of state, refused in the browser (2 GiB), fine natively.
        let mut c = SessionConfig::from_json("{}").expect("valid");
        (c.layers, c.d_model, c.heads, c.batch_size, c.points) =
            (Some(24), Some(1024), Some(8), 1, 2);
        let e = c.memory_estimate();
        assert!(
            e.state_bytes > e.activation_bytes && e.parameters > 300_000_000,
            "{e:?}"
        );
        match SessionConfig::from_json(wide_model) {
            Ok(_) => assert!(e.total_bytes <= MEMORY_LIMIT_BYTES),
            Err(err) => assert_eq!(err.field(), Some("dModel"), "{err}"),
        }
    }
}
