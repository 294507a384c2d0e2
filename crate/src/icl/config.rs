//! The session config: one serde schema shared by the JS API (camelCase keys) and the CLI.
//! Parsing is lenient about omissions (every field has a default) and strict about everything
//! else: unknown keys, wrong types and out-of-range values are `InvalidConfig` naming the field.

use serde::{Deserialize, Serialize};

use crate::device::DeviceChoice;
use crate::icl::curriculum::Curriculum;
use crate::icl::{TaskConfig, TaskKind, TokenLayout};
use crate::{Error, Result};

pub use crate::model::{Activation, Backbone, ModelConfig, ModelShape, Preset};

/// Everything a session needs; also the CLI's `--config` file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Function class prompts are drawn from, with its parameters (`{ kind: "sparse_linear",
    /// sparsity: 3 }`); a bare name (`"linear"`) is that class with its default parameters.
    /// Default: `{ kind: "linear" }`.
    #[serde(deserialize_with = "crate::icl::tasks::task_or_name")]
    pub task: TaskConfig,
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
    /// The transformer MLPs' nonlinearity: `gelu_tanh` (GPT-2's `gelu_new`, the reference's),
    /// `gelu` (exact) or `relu`. Default: `gelu_tanh`. Ignored by the xLSTM.
    pub activation: Activation,
    /// Overrides the preset's residual width (a multiple of `heads`).
    pub d_model: Option<u32>,
    /// Overrides the preset's attention heads.
    pub heads: Option<u32>,
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
    /// Task diversity (SCIENCE.md §5): draw each training prompt's function from a pool of this
    /// many tasks, fixed by the seed (Raventós et al.'s M); `null` draws a fresh task for every
    /// prompt (M = ∞). Default: `null`.
    pub task_pool: Option<u32>,
    /// Where to train. Default: `auto`.
    pub device: DeviceChoice,
    /// Seeds the data stream and the weight initialization; same seed, same losses.
    pub seed: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            task: TaskConfig::default(),
            model: Backbone::default(),
            preset: Preset::default(),
            tokens: TokenLayout::default(),
            layers: None,
            xlstm_ratio: [1, 1],
            activation: Activation::default(),
            d_model: None,
            heads: None,
            dims: 5,
            points: 11,
            batch_size: 64,
            learning_rate: 1e-3,
            warmup_steps: 100,
            decay_steps: 0,
            curriculum: None,
            grad_clip: 1.0,
            task_pool: None,
            device: DeviceChoice::default(),
            seed: 0,
        }
    }
}

impl SessionConfig {
    /// The config that learns in context fastest and most reliably from a blank model at browser
    /// scale, found by measurement over 20 seeds (`scripts/scratch-search.mjs`, docs/SCIENCE.md
    /// §1a): a narrow, deep transformer (6 layers, width 32, 2 heads) with ReLU MLPs, on paired
    /// tokens, Adam at 4e-3 with 100 warmup steps and a cosine decay over 2,000 steps, on linear
    /// functions in d = 5 with 11 points, batch 64. Its normalized error at k = 2d falls to 0.1
    /// within 1,000 steps for at least 19 of 20 seeds (crate/tests/tokens.rs). The in-context
    /// page's "from scratch" defaults (www/src/pages/icl/table.ts) are these values.
    pub fn from_scratch() -> Self {
        Self {
            tokens: TokenLayout::Paired,
            layers: Some(6),
            d_model: Some(32),
            heads: Some(2),
            activation: Activation::Relu,
            learning_rate: 4e-3,
            warmup_steps: 100,
            decay_steps: 2000,
            ..Self::default()
        }
    }
}

/// The bounds of the session config's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const DIMS: Field = Field::int("dims", 1, 64);
    pub const POINTS: Field = Field::int("points", 1, 256);
    pub const BATCH_SIZE: Field = Field::int("batchSize", 1, 4096);
    pub const WARMUP_STEPS: Field = Field::int("warmupSteps", 0, 1_000_000);
    pub const DECAY_STEPS: Field = Field::int("decaySteps", 0, 100_000_000);
    /// Shared by every schema with an Adam learning rate.
    pub const LEARNING_RATE: Field = Field::positive("learningRate", 1.0);
    pub const GRAD_CLIP: Field = Field::at_least("gradClip", 0.0);
    pub const LAYERS: Field = Field::int("layers", 1, 24);
    pub const HEADS: Field = Field::int("heads", 1, 32);
    pub const D_MODEL: Field = Field::int("dModel", 4, 1024);
    /// Each entry of `xlstmRatio`.
    pub const XLSTM_RATIO: Field = Field::int("xlstmRatio", 0, 16);
    /// Shared by every schema with a seed.
    pub const SEED: Field = Field::int("seed", 0, u32::MAX);
    /// M, the tasks in a training pool: up to 2²⁰, past the reference's largest pool.
    pub const TASK_POOL: Field = Field::int("taskPool", 1, 1 << 20);

    /// Every one, in form order.
    pub const ALL: &[Field] = &[
        DIMS,
        POINTS,
        BATCH_SIZE,
        LEARNING_RATE,
        WARMUP_STEPS,
        DECAY_STEPS,
        GRAD_CLIP,
        LAYERS,
        D_MODEL,
        HEADS,
        XLSTM_RATIO,
        TASK_POOL,
        SEED,
    ];
}

impl SessionConfig {
    /// Parses any serde source (JSON text, a JS object) and validates it.
    pub fn parse<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self> {
        let config: Self = crate::error::deserialize_config(deserializer)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses JSON text (CLI `--config`, checkpoints, tests), in today's schema or the one
    /// before tasks were tagged ([`upgrade_config`]).
    pub fn from_json(text: &str) -> Result<Self> {
        let text = upgrade_config(text);
        let mut de = serde_json::Deserializer::from_str(&text);
        Self::parse(&mut de)
    }

    /// Checks every range; the error names the field.
    pub fn validate(&self) -> Result<()> {
        fields::DIMS.check_u32(self.dims)?;
        fields::POINTS.check_u32(self.points)?;
        fields::BATCH_SIZE.check_u32(self.batch_size)?;
        fields::WARMUP_STEPS.check_u32(self.warmup_steps)?;
        fields::DECAY_STEPS.check_u32(self.decay_steps)?;
        self.task
            .class()
            .validate(self.dims)
            .map_err(|e| e.within("task"))?;
        if let Some(c) = &self.curriculum {
            c.validate(self.dims, self.points)?;
        }
        fields::LEARNING_RATE.check(self.learning_rate)?;
        fields::GRAD_CLIP.check(self.grad_clip)?;
        if let Some(m) = self.task_pool {
            fields::TASK_POOL.check_u32(m)?;
            // a pool task is drawn anew for each curriculum stage's active dimensions: for most
            // classes that would be another function at every stage, not M tasks
            if self.curriculum.is_some() {
                return Err(Error::invalid(
                    "taskPool",
                    "cannot be combined with a curriculum (a pool's tasks would change at every stage)",
                ));
            }
        }
        let (layers, d_model, heads) = self.raw_shape();
        fields::LAYERS.check_u32(layers)?;
        fields::HEADS.check_u32(heads)?;
        fields::D_MODEL.check_u32(d_model)?;
        if d_model % heads != 0 {
            return Err(Error::invalid(
                "dModel",
                format!("must be a multiple of heads ({heads}), got {d_model}"),
            ));
        }
        let [a, b] = self.xlstm_ratio;
        fields::XLSTM_RATIO.check_as("xlstmRatio[0]", f64::from(a))?;
        fields::XLSTM_RATIO.check_as("xlstmRatio[1]", f64::from(b))?;
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
        let (l, d, h) = self.model.shape(self.preset);
        (
            self.layers.unwrap_or(l),
            self.d_model.unwrap_or(d),
            self.heads.unwrap_or(h),
        )
    }

    /// Numbers per token: the model's read-in width.
    pub fn token_width(&self) -> usize {
        self.tokens.width(self.dims as usize)
    }

    /// Tokens of a full-length prompt: the model's longest sequence.
    pub fn seq_len(&self) -> usize {
        self.tokens.seq_len(self.points as usize)
    }

    /// The training pool of tasks, when `taskPool` asks for one.
    pub fn pool(&self) -> Option<crate::icl::TaskPool> {
        self.task_pool
            .map(|m| crate::icl::TaskPool::new(m, self.seed))
    }

    /// The model this config trains: the one bridge from the session to [`crate::model`]; call
    /// after [`Self::validate`].
    pub fn model(&self) -> ModelConfig {
        let [a, b] = self.xlstm_ratio;
        ModelConfig {
            backbone: self.model,
            shape: self.shape(),
            xlstm_ratio: [a as usize, b as usize],
            token_width: self.token_width(),
            seq_len: self.seq_len(),
            outputs: 1,
            activation: self.activation,
        }
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

/// A stored config in today's schema: a flat `task` name with the class parameters beside it
/// (the schema before tagged tasks) becomes `{kind, ...its parameters}`; anything else (today's
/// form, or text that is not JSON) is returned as it is, for the parser to judge.
pub fn upgrade_config(text: &str) -> String {
    let Ok(serde_json::Value::Object(mut config)) = serde_json::from_str(text) else {
        return text.to_owned();
    };
    let Some(serde_json::Value::String(name)) = config.get("task").cloned() else {
        return text.to_owned();
    };
    let mut task = serde_json::Map::new();
    task.insert("kind".into(), name.clone().into());
    let kind = TaskKind::ALL.into_iter().find(|k| k.name() == name);
    for other in TaskKind::ALL {
        for field in other.config().class().parameters() {
            if let Some(value) = config.remove(field.name)
                && Some(other) == kind
            {
                task.insert(field.name.into(), value);
            }
        }
    }
    config.insert("task".into(), task.into());
    serde_json::Value::Object(config).to_string()
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
            (r#"{"task": "cubic"}"#, "task.kind"),
            (r#"{"task": 3}"#, "task"),
            (r#"{"task": {"kind": "cubic"}}"#, "task.kind"),
            // An unknown key inside a tagged choice: serde names it in the message, not the path.
            (r#"{"task": {"kind": "linear", "sparsity": 3}}"#, "task"),
            (r#"{"learningRate": -0.1}"#, "learningRate"),
            (r#"{"taskPool": 0}"#, "taskPool"),
            (r#"{"taskPool": 2.5}"#, "taskPool"),
            (
                r#"{"taskPool": 4, "curriculum": {"dimsStart": 2, "dimsIncrement": 1, "pointsStart": 5, "pointsIncrement": 1, "interval": 10}}"#,
                "taskPool",
            ),
            (r#"{"learningRate": 0}"#, "learningRate"),
            (r#"{"batchSize": 1.5}"#, "batchSize"),
            (r#"{"heads": 3, "dModel": 64}"#, "dModel"),
            (r#"{"device": "tpu"}"#, "device"),
            (r#"{"colour": 1}"#, "colour"),
            (
                r#"{"task": {"kind": "sparse_linear", "sparsity": 9}, "dims": 5}"#,
                "task.sparsity",
            ),
            (r#"{"sparsity": 3}"#, "sparsity"),
            (
                r#"{"task": {"kind": "noisy_linear", "noiseStd": -1}}"#,
                "task.noiseStd",
            ),
            (
                r#"{"task": {"kind": "ill_conditioned", "conditionNumber": 0.5}}"#,
                "task.conditionNumber",
            ),
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

    /// A bare class name, the form before tasks were tagged, is that class with its defaults
    /// (from any source: JS objects too).
    #[test]
    fn a_bare_task_name_is_the_class_with_its_defaults() {
        for kind in crate::icl::TaskKind::ALL {
            let json = format!(r#"{{"task": "{}", "dims": 5}}"#, kind.name());
            let config = SessionConfig::from_json(&json).expect("a bare name parses");
            assert_eq!(config.task, kind.config(), "{json}");
        }
        let err = SessionConfig::from_json(r#"{"task": "cubic"}"#).expect_err("no such class");
        assert!(err.to_string().contains("sparse_linear"), "{err}");
        // JSON text in the old flat form (CLI `--config`, checkpoints) keeps its parameters
        let old = SessionConfig::from_json(r#"{"task": "sparse_linear", "sparsity": 2}"#)
            .expect("the old form upgrades");
        assert_eq!(old.task.class().parameters()[0].name, "sparsity");
        assert_ne!(old.task, crate::icl::TaskKind::SparseLinear.config());
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
