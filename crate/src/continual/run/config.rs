//! A continual-learning run's settings: the JS and CLI schema (camelCase JSON), its defaults and
//! its validation.

use serde::{Deserialize, Serialize};

use crate::config::{check_learning_rate, check_range};
use crate::continual::data::Dataset;
use crate::continual::digits::{Digits, DigitsConfig};
use crate::continual::scenarios::ScenarioConfig;
use crate::continual::two_d::TwoDConfig;
use crate::device::DeviceChoice;
use crate::{Error, Result};

/// Where the examples come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataConfig {
    /// A 2-D generator (decision boundaries can be drawn).
    TwoD(TwoDConfig),
    /// Handwritten digits, 14×14 (needs the digits asset).
    Digits(DigitsConfig),
}

impl Default for DataConfig {
    fn default() -> Self {
        Self::TwoD(TwoDConfig {
            classes: 6,
            ..TwoDConfig::default()
        })
    }
}

impl DataConfig {
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::TwoD(c) => c.validate(),
            Self::Digits(c) => c.validate(),
        }
        .map_err(|e| e.within("dataset"))
    }

    /// Train and test sets. Digits need the parsed asset.
    pub fn generate(&self, digits: Option<&Digits>) -> Result<(Dataset, Dataset)> {
        match self {
            Self::TwoD(c) => {
                let test = TwoDConfig {
                    seed: c.seed.wrapping_add(0x5EED),
                    ..c.clone()
                };
                Ok((c.generate()?, test.generate()?))
            }
            Self::Digits(c) => {
                let digits = digits.ok_or_else(|| {
                    Error::invalid(
                        "dataset.kind",
                        "the digits dataset needs the digits asset (web/data/digits.bin, built by \
                         `node scripts/build-digits.mjs`)",
                    )
                })?;
                c.generate(digits).map_err(|e| e.within("dataset"))
            }
        }
    }
}

/// Which learner or strategy (Avalanche's names where it has them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    #[default]
    Naive,
    Joint,
    Replay,
    PowerLawReplay,
    L2,
    Ewc,
    Lwf,
    Ncm,
    Protonet,
    Slda,
    Analytic,
}

impl StrategyKind {
    pub const ALL: [Self; 11] = [
        Self::Naive,
        Self::Joint,
        Self::Replay,
        Self::PowerLawReplay,
        Self::L2,
        Self::Ewc,
        Self::Lwf,
        Self::Ncm,
        Self::Protonet,
        Self::Slda,
        Self::Analytic,
    ];

    /// The config's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Naive => "naive",
            Self::Joint => "joint",
            Self::Replay => "replay",
            Self::PowerLawReplay => "power_law_replay",
            Self::L2 => "l2",
            Self::Ewc => "ewc",
            Self::Lwf => "lwf",
            Self::Ncm => "ncm",
            Self::Protonet => "protonet",
            Self::Slda => "slda",
            Self::Analytic => "analytic",
        }
    }

    /// Host learners read each segment once instead of `iterationsPerTask` steps.
    pub fn reads_once(self) -> bool {
        matches!(self, Self::Ncm | Self::Slda | Self::Analytic)
    }

    /// λ when the config leaves `regularization` out: the L2 and EWC strengths with the best
    /// average accuracy on 4 permuted-digit tasks with the default MLP and training, mean of 3
    /// seeds (L2 tried at 0.001–1: 0.01 gives 0.73; EWC, with its Fisher over the whole task, at
    /// 1–100,000: 1,000 gives 0.79, 100 gives 0.79 with more forgetting, and on split blobs 1,000
    /// does better than 100, 0.53 vs 0.50); stronger protects old tasks more but stops new ones.
    pub fn default_regularization(self) -> f64 {
        match self {
            Self::Ewc => 1000.0,
            _ => 0.01,
        }
    }
}

/// How the replay memory decides what to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BufferPolicy {
    #[default]
    Reservoir,
    ClassBalanced,
}

/// What host learners (NCM, SLDA, analytic) see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Embedding {
    /// The inputs themselves.
    #[default]
    Raw,
    /// The last hidden layer of the MLP at its (seeded) random initialization, never trained.
    Frozen,
    /// The last hidden layer of the MLP after training on the first task only (with
    /// `iterationsPerTask` steps, before the stream starts), then frozen.
    Learned,
}

/// A run's settings (JS and CLI schema). Fields a strategy does not use are ignored by it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClConfig {
    /// The data. Default: 2-D blobs, 6 classes.
    pub dataset: DataConfig,
    /// How the data becomes a stream. Default: class-incremental, 2 classes per task.
    pub scenario: ScenarioConfig,
    pub strategy: StrategyKind,
    /// Replay memory in examples (replay, power_law_replay). Default: 200.
    pub buffer_size: u32,
    /// replay: which buffer. Default: reservoir.
    pub buffer_policy: BufferPolicy,
    /// λ of l2 and ewc; default per strategy ([`StrategyKind::default_regularization`]).
    pub regularization: Option<f64>,
    /// lwf: weight of the distillation loss. Default: 1.
    pub lwf_alpha: f64,
    /// lwf: distillation temperature. Default: 2.
    pub temperature: f64,
    /// power_law_replay: the exponent of the revisit probability (0 = uniform). Default: 1.
    pub rehearsal_exponent: f64,
    /// ncm, slda, analytic: what they see. Default: raw inputs.
    pub embedding: Embedding,
    /// analytic: width of the random ReLU feature expansion. Default: 256.
    pub features: u32,
    /// analytic: ridge γ. Default: 0.01.
    pub ridge: f64,
    /// Hidden widths of the MLP (the last is the embedding width). Default: [64, 64].
    pub hidden: Vec<u32>,
    /// Adam learning rate. Default: 5e-3, fast enough for 2-D tasks in a few hundred steps.
    pub learning_rate: f64,
    /// Examples of the current task per step (rehearsal adds as many). Default: 32.
    pub batch_size: u32,
    /// Gradient steps per training segment. Default: 200.
    pub iterations_per_task: u32,
    /// Evaluate every task every this many steps (1 = per iteration). Default: 5.
    pub eval_every: u32,
    /// Default: `cpu` — these models are tiny, and a GPU round trip per evaluation costs more
    /// than the arithmetic.
    pub device: DeviceChoice,
    /// Seeds the data, the weights, the stream and the batches.
    pub seed: u32,
}

impl Default for ClConfig {
    fn default() -> Self {
        Self {
            dataset: DataConfig::default(),
            scenario: ScenarioConfig::default(),
            strategy: StrategyKind::Naive,
            buffer_size: 200,
            buffer_policy: BufferPolicy::Reservoir,
            regularization: None,
            lwf_alpha: 1.0,
            temperature: 2.0,
            rehearsal_exponent: 1.0,
            embedding: Embedding::Raw,
            features: 256,
            ridge: 0.01,
            hidden: vec![64, 64],
            learning_rate: 5e-3,
            batch_size: 32,
            iterations_per_task: 200,
            eval_every: 5,
            device: DeviceChoice::Cpu,
            seed: 0,
        }
    }
}

fn check_real(field: &str, value: f64, lo: f64, hi: f64) -> Result<()> {
    if !value.is_finite() || value < lo || value > hi {
        return Err(Error::invalid(
            field,
            format!("must be a number within {lo}–{hi}, got {value}"),
        ));
    }
    Ok(())
}

impl ClConfig {
    /// Parses JSON text (CLI `--config`, the JS bindings) and validates it.
    pub fn from_json(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: Self = crate::error::deserialize_config(&mut de)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        self.dataset.validate()?;
        check_range("bufferSize", self.buffer_size, 0, 100_000)?;
        check_range("batchSize", self.batch_size, 1, 4096)?;
        check_range("iterationsPerTask", self.iterations_per_task, 1, 1_000_000)?;
        check_range("evalEvery", self.eval_every, 1, 1_000_000)?;
        check_range("features", self.features, 1, 4096)?;
        if let Some(l) = self.regularization {
            check_real("regularization", l, 0.0, 1e9)?;
        }
        check_real("lwfAlpha", self.lwf_alpha, 0.0, 1e3)?;
        check_real("temperature", self.temperature, 0.1, 100.0)?;
        check_real("rehearsalExponent", self.rehearsal_exponent, 0.0, 5.0)?;
        check_real("ridge", self.ridge, 1e-8, 1e6)?;
        if self.hidden.is_empty() || self.hidden.len() > 8 {
            return Err(Error::invalid("hidden", "needs 1 to 8 layer widths"));
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            check_range(&format!("hidden[{i}]"), w, 1, 4096)?;
        }
        check_learning_rate(self.learning_rate)
    }

    pub(super) fn lambda(&self) -> f64 {
        self.regularization
            .unwrap_or_else(|| self.strategy.default_regularization())
    }
}
