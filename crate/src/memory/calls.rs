//! The memory of every call besides training, estimated before it runs from the shapes it will
//! allocate, with the refusal (`too_large`, naming the field to lower) when it would not fit:
//! evaluation, baselines, layers, and the classification experiment's training and evaluation.
//! The constants are fitted to the bytes really allocated (crate/tests/memory.rs holds each
//! within 20% over a grid of presets × sizes).

use super::{MEMORY_LIMIT_BYTES, OVERHEAD_BYTES, human_bytes};
use crate::classify::{ClassifyBackbone, ClassifyConfig};
use crate::config::SessionConfig;
use crate::icl::baselines::BaselineKind;
use crate::icl::evaluate::{EVAL_CHUNK, EvalConfig};
use crate::icl::layers::LayersConfig;
use crate::model::xlstm::{XlstmConfig, block_parameters};
use crate::{Error, Result};

/// Bytes of one f64 and one f32.
const F64: u64 = 8;
const F32: u64 = 4;
/// Bootstrap resamples of an error curve (crate/src/icl/curves.rs), each an index per prompt.
const RESAMPLES: u64 = 200;

/// Refuses a call that would need more than the limit, naming `field` (the number to lower).
pub fn refuse_beyond(bytes: u64, field: &str, what: &str, lower: &str) -> Result<()> {
    if bytes <= MEMORY_LIMIT_BYTES {
        return Ok(());
    }
    Err(Error::TooLarge {
        field: field.to_owned(),
        needed: human_bytes(bytes),
        limit: human_bytes(MEMORY_LIMIT_BYTES),
        detail: format!("{what}; lower {lower}"),
    })
}

/// Floats a forward pass without gradients holds at its peak per prompt, as multiples of `s·d`
/// and `h·s²` (one layer's working set and the stream; nothing is kept for a backward pass):
/// the transformer's, then the xLSTM's (whose parallel mLSTM builds decay and score matrices).
fn inference_factors(backbone: crate::model::Backbone) -> (f64, f64) {
    match backbone {
        crate::model::Backbone::Transformer => (8.5, 1.5),
        crate::model::Backbone::Xlstm => (12.0, 3.0),
    }
}

/// Most bytes one forward pass for evaluation may hold: long prompts go through the model a
/// few at a time (256 prompts of 512 tokens would hold 1 GiB of attention scores at once).
const INFERENCE_BUDGET: u64 = 192 << 20;

impl SessionConfig {
    /// Prompts per forward pass in evaluation and layer analyses: up to [`EVAL_CHUNK`], fewer
    /// when one prompt's forward pass is large, so a pass holds at most [`INFERENCE_BUDGET`].
    pub fn inference_chunk(&self) -> usize {
        let per_prompt = self.inference_bytes(1).max(1);
        (INFERENCE_BUDGET / per_prompt).clamp(1, EVAL_CHUNK as u64) as usize
    }

    /// Peak bytes of a forward pass of the model on `batch` prompts (no gradients).
    fn inference_bytes(&self, batch: u64) -> u64 {
        let (_, d, heads) = self.raw_shape();
        let (d, heads) = (u64::from(d), u64::from(heads));
        let s = self.seq_len() as f64;
        let (linear, scores) = inference_factors(self.model);
        let floats = linear * s * d as f64 + scores * heads as f64 * s * s;
        (F32 as f64 * batch as f64 * floats) as u64
    }

    /// Peak bytes of an evaluation (`evaluate`, or `evaluateBaselines` with `model: false`):
    /// every method's prediction and the target per prompt and k, then the larger of one chunk
    /// of prompts through the model (while they are gathered) and one error curve's bootstrap
    /// (after). Does not grow with `prompts` beyond the predictions.
    pub fn evaluation_bytes(&self, eval: &EvalConfig, model: bool) -> u64 {
        let mut kinds = vec![BaselineKind::Zero];
        for kind in &eval.baselines {
            if !kinds.contains(kind) {
                kinds.push(*kind);
            }
        }
        let methods = kinds.len() as u64 + u64::from(model);
        let prompts = u64::from(eval.prompts);
        let n = prompts * u64::from(self.points);
        let kept = (methods + 1) * n * F64;
        let curve = n * F64 + RESAMPLES * prompts * F64;
        let chunk = prompts.min(EVAL_CHUNK as u64);
        let drawn = chunk * u64::from(self.points) * u64::from(self.dims) * F32 * 3;
        let forward = if model {
            self.inference_bytes(chunk.min(self.inference_chunk() as u64))
        } else {
            0
        };
        let overhead = if model { OVERHEAD_BYTES } else { 0 };
        kept + (drawn + forward).max(curve) + overhead
    }

    /// Refuses an evaluation that would not fit ([`Self::evaluation_bytes`]).
    pub fn check_evaluation(&self, eval: &EvalConfig, model: bool) -> Result<()> {
        refuse_beyond(
            self.evaluation_bytes(eval, model),
            "prompts",
            "an evaluation keeps every method's prediction for every prompt and k",
            "prompts, or ask for fewer baselines",
        )
    }

    /// Peak bytes of a layer analysis: every layer's residual stream at every predicting token
    /// of the fitted and scored prompts, then the larger of a chunk through the model (while
    /// the streams are gathered) and every method's path on the scored prompts (after).
    pub fn layers_bytes(&self, layers: &LayersConfig) -> u64 {
        let (depth, d, _) = self.raw_shape();
        let streams = u64::from(depth) + 1;
        let points = u64::from(self.points);
        let prompts = u64::from(layers.prompts) + u64::from(layers.fit_prompts);
        let features = streams * prompts * points * (u64::from(d) * F32 + F64);
        let paths = u64::from(layers.newton_max) + 2 + 2 * layers.gd_steps().len() as u64;
        let scored = u64::from(layers.prompts) * points;
        let compared = paths * scored * F64;
        let drawn = prompts * points * (u64::from(self.dims) + 1) * F32;
        let chunk =
            u64::from(layers.prompts.max(layers.fit_prompts)).min(self.inference_chunk() as u64);
        // the chunk's forward pass, and its streams stacked for one read-back
        let forward = self.inference_bytes(chunk) + streams * chunk * points * u64::from(d) * F32;
        features + drawn + forward.max(compared) + OVERHEAD_BYTES
    }

    /// Refuses a layer analysis that would not fit ([`Self::layers_bytes`]).
    pub fn check_layers(&self, layers: &LayersConfig) -> Result<()> {
        let field = if layers.fit_prompts >= layers.prompts {
            "fitPrompts"
        } else {
            "prompts"
        };
        refuse_beyond(
            self.layers_bytes(layers),
            field,
            "the analysis keeps every layer's stream for every fitted and scored prompt",
            "fitPrompts or prompts",
        )
    }
}

/// Floats kept per layer for the backward pass of the attention-only network, as multiples of
/// `b·s·w` and `b·s²`.
const ATTENTION_LINEAR: u64 = 8;
const ATTENTION_SCORES: u64 = 4;

impl ClassifyConfig {
    /// Token width and sequence length of the experiment's sequences.
    fn token_shape(&self) -> (u64, u64) {
        let (pairs, dims) = (u64::from(self.task.pairs), u64::from(self.task.dims));
        (2 * pairs + 1 + dims, 2 * pairs + 1)
    }

    /// Trainable numbers of the classifier, from its shapes (equal to the built model's).
    pub fn parameter_count(&self) -> u64 {
        let (w, s) = self.token_shape();
        let labels = u64::from(self.task.labels);
        let layers = u64::from(self.layers);
        match self.backbone {
            ClassifyBackbone::AttentionOnly => {
                let h = u64::from(self.hidden);
                layers * 3 * w * w + (w * h + h) + 2 * (h * h + h) + h * labels
            }
            ClassifyBackbone::Transformer => {
                let d = u64::from(self.d_model);
                (w + 1) * d + (d + 1) * labels + layers * (12 * d * d + 13 * d) + 2 * d + s * d
            }
            ClassifyBackbone::Xlstm => {
                let (d, heads) = (u64::from(self.d_model), u64::from(self.heads));
                let x = XlstmConfig::new(w as usize);
                (w + 1) * d
                    + (d + 1) * labels
                    + (0..self.layers as usize)
                        .map(|i| block_parameters(x.is_slstm(i), d, heads))
                        .sum::<u64>()
                    + d
            }
        }
    }

    /// Floats of one forward pass per sequence: kept for the backward pass when training
    /// (`training`), one layer's working set and every layer's attention maps otherwise.
    fn activation_floats(&self, training: bool) -> u64 {
        let (w, s) = self.token_shape();
        let layers = u64::from(self.layers);
        let (d, h) = (u64::from(self.d_model), u64::from(self.heads));
        let backbone = match self.backbone {
            ClassifyBackbone::Xlstm => crate::model::Backbone::Xlstm,
            _ => crate::model::Backbone::Transformer,
        };
        let (linear, scores) = inference_factors(backbone);
        let inference = (linear * (s * d) as f64 + scores * (h * s * s) as f64) as u64;
        // per layer; then the tokens' copies (host, tensor, read-in and its gradient)
        let (per_layer, tokens) = match (self.backbone, training) {
            (ClassifyBackbone::AttentionOnly, true) => {
                (ATTENTION_LINEAR * s * w + ATTENTION_SCORES * s * s, 1)
            }
            (ClassifyBackbone::AttentionOnly, false) => (2 * s * w + s * s, 1),
            (_, true) => (33 * s * d + 3 * h * s * s, 20),
            (ClassifyBackbone::Xlstm, false) => (inference, 5),
            (ClassifyBackbone::Transformer, false) => (inference, 1),
        };
        if training {
            return layers * per_layer + tokens * s * w;
        }
        let maps = match self.backbone {
            ClassifyBackbone::AttentionOnly => layers * s * s,
            ClassifyBackbone::Transformer => layers * h * s * s,
            ClassifyBackbone::Xlstm => 0,
        };
        per_layer + maps + tokens * s * w
    }

    /// Peak bytes of a training step: weights and gradients (plain SGD keeps no moments), and
    /// the batch's activations.
    pub fn training_bytes(&self) -> u64 {
        let state = 2 * F32 * self.parameter_count();
        let activations = F32 * u64::from(self.batch_size) * self.activation_floats(true);
        state + activations + self.world_bytes() + OVERHEAD_BYTES
    }

    /// The task's world: every class's mean and every label's vector.
    fn world_bytes(&self) -> u64 {
        let t = &self.task;
        F64 * (u64::from(t.classes) + u64::from(t.labels)) * u64::from(t.dims) * 2
    }

    /// Peak bytes of an evaluation: one chunk of sequences through the model with its
    /// attention maps (the chunk's memory does not grow with `prompts`).
    pub fn evaluation_bytes(&self, prompts: u32) -> u64 {
        let chunk = u64::from(prompts).min(crate::classify::session::EVAL_CHUNK as u64);
        F32 * chunk * self.activation_floats(false) + self.world_bytes() + OVERHEAD_BYTES
    }

    /// Refuses a config whose training step would not fit.
    pub fn check_memory(&self) -> Result<()> {
        let params = self.parameter_count();
        let field =
            if 2 * F32 * params > F32 * u64::from(self.batch_size) * self.activation_floats(true) {
                match self.backbone {
                    ClassifyBackbone::AttentionOnly => "task.pairs",
                    _ => "dModel",
                }
            } else {
                "batchSize"
            };
        refuse_beyond(
            self.training_bytes(),
            field,
            &format!(
                "{params} parameters and the activations of {} sequences of {} tokens",
                self.batch_size,
                self.token_shape().1
            ),
            "batchSize, layers, dModel, task.pairs or task.dims",
        )
    }

    /// Refuses an evaluation that would not fit.
    pub fn check_evaluation(&self, prompts: u32) -> Result<()> {
        refuse_beyond(
            self.evaluation_bytes(prompts),
            "prompts",
            "one chunk of sequences with every layer's attention maps",
            "layers, heads or task.pairs",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classifier's parameter count from its shapes equals the built model's, for every
    /// backbone.
    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn the_classifier_parameter_count_is_the_models() {
        for json in [
            r#"{}"#,
            r#"{"task": {"pairs": 16, "dims": 32, "burstiness": 4}, "hidden": 64, "layers": 3}"#,
            r#"{"backbone": "transformer", "dModel": 32, "heads": 2}"#,
            r#"{"backbone": "xlstm", "dModel": 32, "heads": 4, "layers": 3}"#,
        ] {
            let config = ClassifyConfig::from_json(json).expect("valid");
            let run = pollster::block_on(crate::classify::ClassifySession::new(ClassifyConfig {
                device: crate::device::DeviceChoice::Cpu,
                ..config.clone()
            }))
            .expect("run");
            assert_eq!(config.parameter_count(), run.num_params() as u64, "{json}");
        }
    }

    /// A refusal names the field and says how much was needed against how much is allowed.
    #[test]
    fn a_refusal_names_the_field_and_the_sizes() {
        assert!(refuse_beyond(MEMORY_LIMIT_BYTES, "prompts", "x", "y").is_ok());
        let err = refuse_beyond(MEMORY_LIMIT_BYTES + 1, "prompts", "why", "prompts")
            .expect_err("one byte too many");
        assert_eq!((err.code(), err.field()), ("too_large", Some("prompts")));
        assert!(err.to_string().contains("lower prompts"), "{err}");
    }
}
