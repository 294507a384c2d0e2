//! An in-context classification experiment's config (docs/SCIENCE.md §4): the task, the model's
//! size and the optimizer, with the bounds of its numbers.

use serde::{Deserialize, Serialize};

use super::model::{ClassifierConfig, ClassifyBackbone, token_width};
use super::sequences::BurstyConfig;
use crate::device::DeviceChoice;
use crate::{Error, Result};

/// An experiment: the task, the model's size and the optimizer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClassifyConfig {
    pub task: BurstyConfig,
    /// Default: Reddy's attention-only network.
    pub backbone: ClassifyBackbone,
    /// Attention layers (the transformer's or xLSTM's blocks). Default 2 (Reddy's).
    pub layers: u32,
    /// Width of the attention-only network's MLP on the query. Default 128 (Reddy's).
    pub hidden: u32,
    /// Residual width of the transformer and the xLSTM. Default 64 (iclab's `tiny`).
    pub d_model: u32,
    /// Heads per layer of the transformer and the xLSTM; divides `dModel`. Default 1 (Reddy's
    /// layers have one head each).
    pub heads: u32,
    /// SGD learning rate. Default 0.05 (Reddy's 0.01 is slower at this size).
    pub learning_rate: f64,
    /// Sequences per step. Default 128 (Reddy's).
    pub batch_size: u32,
    /// L2 weight decay. Default 0.
    pub weight_decay: f64,
    pub device: DeviceChoice,
    /// Seeds the world (class means, labels), the initialization and the data stream.
    pub seed: u32,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        Self {
            task: BurstyConfig::default(),
            backbone: ClassifyBackbone::AttentionOnly,
            layers: 2,
            hidden: 128,
            d_model: 64,
            heads: 1,
            learning_rate: 0.05,
            batch_size: 128,
            weight_decay: 0.0,
            device: DeviceChoice::Auto,
            seed: 0,
        }
    }
}

/// The bounds of the experiment's own numbers.
pub mod fields {
    use crate::schema::Field;

    pub const LAYERS: Field = Field::int("layers", 1, 8);
    pub const HIDDEN: Field = Field::int("hidden", 1, 1024);
    pub const D_MODEL: Field = Field::int("dModel", 2, 512);
    pub const HEADS: Field = Field::int("heads", 1, 16);
    pub const LEARNING_RATE: Field = Field::positive("learningRate", 10.0);
    pub const BATCH_SIZE: Field = Field::int("batchSize", 1, 4096);
    pub const WEIGHT_DECAY: Field = Field::real("weightDecay", 0.0, 1.0);
    pub const SEED: Field = Field::int("seed", 0, u32::MAX);
    /// Sequences per evaluation split.
    pub const PROMPTS: Field = Field::int("prompts", 1, 20_000);
    pub const ALL: &[Field] = &[
        LAYERS,
        HIDDEN,
        D_MODEL,
        HEADS,
        LEARNING_RATE,
        BATCH_SIZE,
        WEIGHT_DECAY,
        SEED,
    ];
}

impl ClassifyConfig {
    /// The classifier this experiment trains, shaped for its sequences.
    pub fn classifier(&self) -> ClassifierConfig {
        let task = &self.task;
        let width = token_width(task.pairs as usize, task.dims as usize);
        let seq_len = 2 * task.pairs as usize + 1;
        let mut shape = ClassifierConfig::new(width, seq_len, task.labels as usize);
        shape.backbone = self.backbone;
        shape.layers = self.layers as usize;
        shape.hidden = if self.backbone == ClassifyBackbone::AttentionOnly {
            self.hidden
        } else {
            self.d_model
        } as usize;
        shape.heads = self.heads as usize;
        shape
    }

    pub fn validate(&self) -> Result<()> {
        use fields::*;
        // the task's fields are named by their path, as the parser names them (`task.classes`)
        self.task.validate().map_err(|e| e.within("task"))?;
        LAYERS.check_u32(self.layers)?;
        HIDDEN.check_u32(self.hidden)?;
        D_MODEL.check_u32(self.d_model)?;
        HEADS.check_u32(self.heads)?;
        if !self.d_model.is_multiple_of(self.heads) {
            return Err(Error::invalid(
                "heads",
                format!(
                    "must divide dModel ({}); {} does not",
                    self.d_model, self.heads
                ),
            ));
        }
        LEARNING_RATE.check(self.learning_rate)?;
        BATCH_SIZE.check_u32(self.batch_size)?;
        WEIGHT_DECAY.check(self.weight_decay)?;
        self.check_memory()
    }

    pub fn from_json(text: &str) -> Result<Self> {
        let config: Self =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(text))?;
        config.validate()?;
        Ok(config)
    }
}
