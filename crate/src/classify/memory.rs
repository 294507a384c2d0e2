//! The classification experiment's memory: training and evaluation estimated from the shapes
//! they will allocate, with the refusal (`too_large`, naming the field to lower) when they would
//! not fit. Fitted to the bytes really allocated (crate/tests/memory.rs).

use crate::Result;
use crate::classify::{ClassifyBackbone, ClassifyConfig};
use crate::memory::{F32, F64, OVERHEAD_BYTES, refuse_beyond};

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

    /// Trainable numbers of the classifier, from its shapes (equal to the built model's): the
    /// attention-only network's here, the shared backbones' in [`crate::model`].
    pub fn parameter_count(&self) -> u64 {
        let shape = self.classifier();
        if let Some(model) = shape.model() {
            return model.parameter_count();
        }
        let (w, _) = self.token_shape();
        let labels = u64::from(self.task.labels);
        let layers = u64::from(self.layers);
        let h = u64::from(self.hidden);
        layers * 3 * w * w + (w * h + h) + 2 * (h * h + h) + h * labels
    }

    /// Floats of one forward pass per sequence: kept for the backward pass when training
    /// (`training`), one layer's working set and every layer's attention maps otherwise.
    fn activation_floats(&self, training: bool) -> u64 {
        let (w, s) = self.token_shape();
        let layers = u64::from(self.layers);
        let (d, h) = (u64::from(self.d_model), u64::from(self.heads));
        let backbone = self
            .backbone
            .model()
            .unwrap_or(crate::model::Backbone::Transformer);
        let (linear, scores) = backbone.inference_factors();
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

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    /// The classifier's parameter count from its shapes equals the built model's, for every
    /// backbone.
    #[test]
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
}
