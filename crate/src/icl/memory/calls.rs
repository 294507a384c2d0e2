//! The memory of every in-context call besides training, estimated before it runs from the
//! shapes it will allocate, with the refusal (`too_large`, naming the field to lower) when it
//! would not fit: evaluation, baselines and layers.
//! The constants are fitted to the bytes really allocated (crate/tests/memory.rs holds each
//! within 20% over a grid of presets × sizes).

use crate::Result;
use crate::icl::baselines::BaselineKind;
use crate::icl::config::SessionConfig;
use crate::icl::evaluate::{EVAL_CHUNK, EvalConfig};
use crate::icl::layers::LayersConfig;
use crate::memory::{F32, F64, OVERHEAD_BYTES, refuse_beyond};

/// Bootstrap resamples of an error curve (crate/src/icl/curves.rs), each an index per prompt.
const RESAMPLES: u64 = 200;

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
        let (linear, scores) = self.model.inference_factors();
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
