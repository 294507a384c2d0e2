//! The session config: one serde schema shared by the JS API (camelCase keys) and the CLI.
//! Parsing is lenient about omissions (every field has a default) and strict about everything
//! else: unknown keys, wrong types and out-of-range values are `InvalidConfig` naming the field.

use serde::{Deserialize, Serialize};

use crate::device::DeviceChoice;
use crate::icl::curriculum::Curriculum;
use crate::icl::{TaskKind, TaskParams, TokenLayout};
use crate::{Error, Result};

/// Which learner backbone to train.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backbone {
    /// GPT-2 style causal transformer (Garg et al. 2022).
    #[default]
    Transformer,
    /// Stack of mLSTM and sLSTM blocks (Beck et al. 2024), ratio set by `xlstmRatio`.
    Xlstm,
}

impl Backbone {
    pub fn name(self) -> &'static str {
        match self {
            Self::Transformer => "transformer",
            Self::Xlstm => "xlstm",
        }
    }
}

/// Named model sizes; explicit `layers`/`dModel`/`heads` override them. Transformer sizes are
/// SCIENCE.md §1's; xLSTM sizes keep the width and roughly the parameter count of the
/// transformer of the same name (tiny: 4 blocks of width 64, ~120k parameters vs ~150k).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 3 layers, width 64, 2 heads: trains in a browser in minutes.
    #[default]
    Tiny,
    /// 6 layers, width 128, 4 heads.
    Small,
}

impl Preset {
    /// (layers or blocks, width, heads).
    fn shape(self, backbone: Backbone) -> (u32, u32, u32) {
        match (backbone, self) {
            (Backbone::Transformer, Self::Tiny) => (3, 64, 2),
            (Backbone::Transformer, Self::Small) => (6, 128, 4),
            (Backbone::Xlstm, Self::Tiny) => (4, 64, 4),
            (Backbone::Xlstm, Self::Small) => (6, 128, 4),
        }
    }
}

/// Everything a session needs; also the CLI's `--config` file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Function class prompts are drawn from. Default: `linear`.
    pub task: TaskKind,
    /// Backbone. Default: `transformer`.
    pub model: Backbone,
    /// Model size preset. Default: `tiny`.
    pub preset: Preset,
    /// How prompts become tokens: `interleaved` (`[x_1, y_1, …]`, the reference layout of Garg
    /// et al.) or `paired` (one token `[x_i ; x_{i−1} ; y_{i−1}]` per example: learns without
    /// the reference's loss plateau, on half the tokens). Default: `interleaved`, so results
    /// compare with the papers.
    pub tokens: TokenLayout,
    /// Overrides the preset's number of blocks.
    pub layers: Option<u32>,
    /// mLSTM:sLSTM ratio `[a, b]` of an xLSTM stack (xLSTM[a:b]): block `i` is an sLSTM block
    /// when `i mod (a + b) ≥ a`. Default: `[1, 1]`, alternating. Ignored by the transformer.
    pub xlstm_ratio: [u32; 2],
    /// Overrides the preset's residual width (a multiple of `heads`).
    pub d_model: Option<u32>,
    /// Overrides the preset's attention heads.
    pub heads: Option<u32>,
    /// Non-zero coordinates of `w` for `sparse_linear`. Default: 3, the reference.
    pub sparsity: u32,
    /// Output noise σ for `noisy_linear`. Default: 1, the reference's OOD test.
    pub noise_std: f64,
    /// Condition number κ of the input covariance for `ill_conditioned`. Default: 100.
    pub condition_number: f64,
    /// Input dimension d. Default: 5, the curriculum's starting dimension in Garg et al.
    pub dims: u32,
    /// (x, y) pairs per prompt. Default: 11 = 2d + 1, the curriculum's starting length.
    pub points: u32,
    /// Prompts per step. Default: 64, as in the reference.
    pub batch_size: u32,
    /// Adam learning rate. Default: 1e-3, stable for `tiny` at d = 5 (the reference's 1e-4 is
    /// for its 12-layer model and 500k steps).
    pub learning_rate: f64,
    /// Steps of linear learning-rate warmup. Default: 100.
    pub warmup_steps: u32,
    /// Steps of cosine decay (to 10% of the rate) after warmup; 0 keeps the rate constant, as
    /// in the reference. Default: 0.
    pub decay_steps: u32,
    /// Grow active dimensions and prompt length during training (SCIENCE.md §1); `null` trains
    /// on the final `dims` and `points` from the start. Default: `null`.
    pub curriculum: Option<Curriculum>,
    /// Gradient-norm clip per parameter tensor; 0 turns it off. Default: 1.0.
    pub grad_clip: f64,
    /// Where to train. Default: `auto`.
    pub device: DeviceChoice,
    /// Seeds the data stream and the weight initialization; same seed, same losses.
    pub seed: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            task: TaskKind::default(),
            model: Backbone::default(),
            preset: Preset::default(),
            tokens: TokenLayout::default(),
            layers: None,
            xlstm_ratio: [1, 1],
            d_model: None,
            heads: None,
            sparsity: 3,
            noise_std: 1.0,
            condition_number: 100.0,
            dims: 5,
            points: 11,
            batch_size: 64,
            learning_rate: 1e-3,
            warmup_steps: 100,
            decay_steps: 0,
            curriculum: None,
            grad_clip: 1.0,
            device: DeviceChoice::default(),
            seed: 0,
        }
    }
}

impl SessionConfig {
    /// The config that learns in context fastest from a blank model at browser scale, found by
    /// measurement (`scripts/scratch-search.mjs`, docs/SCIENCE.md §1a): the tiny transformer on
    /// paired tokens, Adam at 2e-3 with 100 warmup steps and a cosine decay over 2,000 steps, on
    /// linear functions in d = 5 with 11 points, batch 64. With seed 0 its normalized error at
    /// k = 2d falls to 0.1 near step 450. The in-context page's "from scratch" defaults
    /// (www/src/tables.ts) are these values.
    pub fn from_scratch() -> Self {
        Self {
            tokens: TokenLayout::Paired,
            learning_rate: 2e-3,
            warmup_steps: 100,
            decay_steps: 2000,
            ..Self::default()
        }
    }
}

/// The model shape after applying preset and overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelShape {
    pub layers: usize,
    pub d_model: usize,
    pub heads: usize,
}

/// `value` must lie in `[min, max]`; the error names `field`. Shared by every config schema.
pub(crate) fn check_range(field: &str, value: u32, min: u32, max: u32) -> Result<()> {
    if value < min || value > max {
        return Err(Error::invalid(
            field,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(())
}

/// A learning rate must be finite and in (0, 1]; the error names `learningRate`.
pub(crate) fn check_learning_rate(value: f64) -> Result<()> {
    if !value.is_finite() || value <= 0.0 || value > 1.0 {
        return Err(Error::invalid(
            "learningRate",
            format!("must be a finite number in (0, 1], got {value}"),
        ));
    }
    Ok(())
}

impl SessionConfig {
    /// Parses any serde source (JSON text, a JS object) and validates it.
    pub fn parse<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self> {
        let config: Self = crate::error::deserialize_config(deserializer)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses JSON text (CLI `--config`, tests).
    pub fn from_json(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        Self::parse(&mut de)
    }

    /// Checks every range; the error names the field.
    pub fn validate(&self) -> Result<()> {
        check_range("dims", self.dims, 1, 64)?;
        check_range("points", self.points, 1, 256)?;
        check_range("batchSize", self.batch_size, 1, 4096)?;
        check_range("warmupSteps", self.warmup_steps, 0, 1_000_000)?;
        check_range("decaySteps", self.decay_steps, 0, 100_000_000)?;
        // Only the sparse class reads `sparsity`, so only it must fit in `dims`.
        let max_sparsity = if self.task == TaskKind::SparseLinear {
            self.dims
        } else {
            64
        };
        check_range("sparsity", self.sparsity, 1, max_sparsity)?;
        if !self.noise_std.is_finite() || self.noise_std < 0.0 || self.noise_std > 100.0 {
            return Err(Error::invalid(
                "noiseStd",
                format!(
                    "must be a finite number in [0, 100], got {}",
                    self.noise_std
                ),
            ));
        }
        if !self.condition_number.is_finite()
            || self.condition_number < 1.0
            || self.condition_number > 1e8
        {
            return Err(Error::invalid(
                "conditionNumber",
                format!(
                    "must be a number in [1, 1e8], got {}",
                    self.condition_number
                ),
            ));
        }
        if let Some(c) = &self.curriculum {
            c.validate(self.dims, self.points)?;
        }
        check_learning_rate(self.learning_rate)?;
        if !self.grad_clip.is_finite() || self.grad_clip < 0.0 {
            return Err(Error::invalid(
                "gradClip",
                format!("must be a finite number >= 0, got {}", self.grad_clip),
            ));
        }
        let (layers, d_model, heads) = self.raw_shape();
        check_range("layers", layers, 1, 24)?;
        check_range("heads", heads, 1, 32)?;
        check_range("dModel", d_model, 4, 1024)?;
        if d_model % heads != 0 {
            return Err(Error::invalid(
                "dModel",
                format!("must be a multiple of heads ({heads}), got {d_model}"),
            ));
        }
        let [a, b] = self.xlstm_ratio;
        check_range("xlstmRatio[0]", a, 0, 16)?;
        check_range("xlstmRatio[1]", b, 0, 16)?;
        if a + b == 0 {
            return Err(Error::invalid(
                "xlstmRatio",
                "needs at least one block kind, got [0, 0]",
            ));
        }
        // The mLSTM's q/k/v projections are blocks of 4 over its inner width 2·dModel.
        if self.model == Backbone::Xlstm && d_model % 2 != 0 {
            return Err(Error::invalid(
                "dModel",
                format!("must be even for an xLSTM, got {d_model}"),
            ));
        }
        self.check_memory()
    }

    pub(crate) fn raw_shape(&self) -> (u32, u32, u32) {
        let (l, d, h) = self.preset.shape(self.model);
        (
            self.layers.unwrap_or(l),
            self.d_model.unwrap_or(d),
            self.heads.unwrap_or(h),
        )
    }

    /// The parameters of the function classes.
    pub fn task_params(&self) -> TaskParams {
        TaskParams {
            sparsity: self.sparsity as usize,
            noise_std: self.noise_std,
            condition_number: self.condition_number,
        }
    }

    /// Numbers per token: the model's read-in width.
    pub fn token_width(&self) -> usize {
        self.tokens.width(self.dims as usize)
    }

    /// Tokens of a full-length prompt: the model's longest sequence.
    pub fn seq_len(&self) -> usize {
        self.tokens.seq_len(self.points as usize)
    }

    /// The model shape; call after [`Self::validate`].
    pub fn shape(&self) -> ModelShape {
        let (layers, d_model, heads) = self.raw_shape();
        ModelShape {
            layers: layers as usize,
            d_model: d_model as usize,
            heads: heads as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_of(json: &str) -> (String, String) {
        let err = SessionConfig::from_json(json).expect_err("config should be rejected");
        (err.code().to_owned(), err.field().unwrap_or("").to_owned())
    }

    #[test]
    fn defaults_are_valid() {
        let c = SessionConfig::from_json("{}").expect("empty config uses defaults");
        assert_eq!(c, SessionConfig::default());
        assert_eq!(
            c.shape(),
            ModelShape {
                layers: 3,
                d_model: 64,
                heads: 2
            }
        );
    }

    #[test]
    fn invalid_configs_name_the_field() {
        let cases = [
            (r#"{"dims": -1}"#, "dims"),
            (r#"{"dims": 0}"#, "dims"),
            (r#"{"dims": "five"}"#, "dims"),
            (r#"{"points": 1000}"#, "points"),
            (r#"{"model": "lstm"}"#, "model"),
            (r#"{"tokens": "stacked"}"#, "tokens"),
            (r#"{"xlstmRatio": [0, 0]}"#, "xlstmRatio"),
            (r#"{"xlstmRatio": [1, 99]}"#, "xlstmRatio[1]"),
            (r#"{"xlstmRatio": [1]}"#, "xlstmRatio"),
            (r#"{"model": "xlstm", "dModel": 63, "heads": 1}"#, "dModel"),
            (r#"{"task": "cubic"}"#, "task"),
            (r#"{"learningRate": -0.1}"#, "learningRate"),
            (r#"{"learningRate": 0}"#, "learningRate"),
            (r#"{"batchSize": 1.5}"#, "batchSize"),
            (r#"{"heads": 3, "dModel": 64}"#, "dModel"),
            (r#"{"device": "tpu"}"#, "device"),
            (r#"{"colour": 1}"#, "colour"),
            (
                r#"{"task": "sparse_linear", "sparsity": 9, "dims": 5}"#,
                "sparsity",
            ),
            (r#"{"noiseStd": -1}"#, "noiseStd"),
            (r#"{"conditionNumber": 0.5}"#, "conditionNumber"),
            (r#"{"curriculum": {"dimsStart": 2}}"#, "curriculum"),
            (
                r#"{"curriculum": {"dimsStart": 9, "dimsIncrement": 1, "pointsStart": 5, "pointsIncrement": 1, "interval": 10}}"#,
                "curriculum.dimsStart",
            ),
            (
                r#"{"curriculum": {"dimsStart": 1, "dimsIncrement": 1, "pointsStart": 5, "pointsIncrement": 1, "interval": 10, "x": 1}}"#,
                "curriculum.x",
            ),
            (r#"[1, 2]"#, "config"),
        ];
        for (json, field) in cases {
            let (code, got) = err_of(json);
            assert_eq!(code, "invalid_config", "{json}");
            assert_eq!(got, field, "{json}");
        }
    }

    #[test]
    fn nan_learning_rate_is_rejected() {
        let c = SessionConfig {
            learning_rate: f64::NAN,
            ..Default::default()
        };
        let err = c.validate().expect_err("NaN must be rejected");
        assert_eq!(err.field(), Some("learningRate"));
    }
}
