//! A continual-learning run's settings: the JS and CLI schema (camelCase JSON), its defaults and
//! its validation.

use serde::{Deserialize, Serialize};

use crate::continual::data::Dataset;
use crate::continual::digits::{Digits, DigitsConfig};
use crate::continual::scenarios::ScenarioConfig;
use crate::continual::table::TableConfig;
use crate::continual::two_d::TwoDConfig;
use crate::device::DeviceChoice;
use crate::icl::config::fields::{LEARNING_RATE, SEED};
use crate::schema::Field;
use crate::{Error, Result};

/// Where the examples come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataConfig {
    /// A 2-D generator (decision boundaries can be drawn).
    TwoD(TwoDConfig),
    /// Handwritten digits, 14×14 (needs the digits asset).
    Digits(DigitsConfig),
    /// A visitor's own table: CSV text with numeric features and a label column.
    Table(TableConfig),
}

impl DataConfig {
    /// The kinds a page offers by name, with their defaults (a table is the visitor's file, not
    /// a menu choice).
    pub fn all() -> [Self; 2] {
        [
            Self::TwoD(TwoDConfig::default()),
            Self::Digits(DigitsConfig::default()),
        ]
    }

    /// Its input features where they are known without its data (2-D points: 2); `None` for an
    /// asset's, known once it is read (the digits: 14 × 14).
    pub fn features(&self) -> Option<usize> {
        match self {
            Self::TwoD(_) => Some(2),
            Self::Digits(_) | Self::Table(_) => None,
        }
    }

    /// The file of the package's `data/` this dataset reads (the worker fetches it when a config
    /// asks for it); `None` for the generated ones.
    pub fn asset(&self) -> Option<&'static str> {
        match self {
            Self::TwoD(_) | Self::Table(_) => None,
            Self::Digits(_) => Some("digits.bin"),
        }
    }
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
            Self::Table(c) => c.validate(),
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
            Self::Table(c) => c.generate().map_err(|e| e.within("dataset")),
        }
    }
}

pub use crate::continual::strategies::StrategyKind;

/// How the replay memory decides what to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BufferPolicy {
    #[default]
    Reservoir,
    ClassBalanced,
}

impl BufferPolicy {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Reservoir => "reservoir",
            Self::ClassBalanced => "class-balanced",
        }
    }

    pub const ALL: [Self; 2] = [Self::Reservoir, Self::ClassBalanced];
}

impl Embedding {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Raw => "raw inputs",
            Self::Frozen => "frozen random MLP",
            Self::Learned => "MLP trained on task 1",
        }
    }

    pub const ALL: [Self; 3] = [Self::Raw, Self::Frozen, Self::Learned];
}

/// What host learners (NCM, SLDA, analytic) see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// λ of l2, ewc and si; default per strategy ([`StrategyKind::default_regularization`]).
    pub regularization: Option<f64>,
    /// lwf: weight of the distillation loss. Default: 1.
    pub lwf_alpha: f64,
    /// lwf: distillation temperature. Default: 2.
    pub temperature: f64,
    /// power_law_replay: the exponent of the revisit probability (0 = uniform). Default: 1.
    pub rehearsal_exponent: f64,
    /// shrink_perturb: standard deviation of the Gaussian noise added to every parameter after
    /// each step. Default: 1e-3.
    pub perturb_std: f64,
    /// continual_backprop: fraction of each hidden layer's mature units reinitialized per step
    /// (accumulated: 1e-3 of 64 units replaces one unit every ~16 steps). Default: 1e-3.
    pub replacement_rate: f64,
    /// continual_backprop: steps a unit must have lived before it may be replaced. Default: 100.
    pub maturity: u32,
    /// continual_backprop: decay rate η of each unit's running utility. Default: 0.99.
    pub utility_decay: f64,
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
            perturb_std: 1e-3,
            replacement_rate: 1e-3,
            maturity: 100,
            utility_decay: 0.99,
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

/// The bounds of a run's numbers (the catalog lists them with their defaults).
pub mod fields {
    use crate::schema::Field;

    pub const BUFFER_SIZE: Field = Field::int("bufferSize", 0, 100_000);
    pub const BATCH_SIZE: Field = Field::int("batchSize", 1, 4096);
    pub const ITERATIONS_PER_TASK: Field = Field::int("iterationsPerTask", 1, 1_000_000);
    pub const EVAL_EVERY: Field = Field::int("evalEvery", 1, 1_000_000);
    pub const FEATURES: Field = Field::int("features", 1, 4096);
    pub const REGULARIZATION: Field = Field::real("regularization", 0.0, 1e9);
    pub const LWF_ALPHA: Field = Field::real("lwfAlpha", 0.0, 1e3);
    pub const TEMPERATURE: Field = Field::real("temperature", 0.1, 100.0);
    pub const REHEARSAL_EXPONENT: Field = Field::real("rehearsalExponent", 0.0, 5.0);
    pub const PERTURB_STD: Field = Field::real("perturbStd", 0.0, 1.0);
    pub const REPLACEMENT_RATE: Field = Field::real("replacementRate", 0.0, 0.1);
    pub const MATURITY: Field = Field::int("maturity", 1, 1_000_000);
    pub const UTILITY_DECAY: Field = Field::real("utilityDecay", 0.0, 0.9999);
    pub const RIDGE: Field = Field::real("ridge", 1e-8, 1e6);
    /// Each entry of `hidden` (1 to [`MAX_HIDDEN_LAYERS`] of them).
    pub const HIDDEN: Field = Field::int("hidden", 1, 4096);
    pub const MAX_HIDDEN_LAYERS: usize = 8;
}

impl ClConfig {
    /// Every number of a run, in form order (the seed and learning rate are the session config's
    /// fields, shared).
    pub const FIELDS: &[Field] = &[
        fields::BUFFER_SIZE,
        fields::REGULARIZATION,
        fields::LWF_ALPHA,
        fields::TEMPERATURE,
        fields::REHEARSAL_EXPONENT,
        fields::PERTURB_STD,
        fields::REPLACEMENT_RATE,
        fields::MATURITY,
        fields::UTILITY_DECAY,
        fields::FEATURES,
        fields::RIDGE,
        fields::HIDDEN,
        LEARNING_RATE,
        fields::BATCH_SIZE,
        fields::ITERATIONS_PER_TASK,
        fields::EVAL_EVERY,
        SEED,
    ];
}

impl ClConfig {
    /// Where loss of plasticity shows at browser scale (docs/SCIENCE.md §3, measured over seeds
    /// 0–2): 100 permuted-digit tasks (100 training and 20 test examples per class), a 32-32 MLP,
    /// Adam at 0.01, 100 steps a task, evaluated only at each task's end.
    pub fn plasticity() -> Self {
        Self {
            dataset: DataConfig::Digits(DigitsConfig {
                per_class: 100,
                test_per_class: 20,
                ..Default::default()
            }),
            scenario: ScenarioConfig::Permuted(crate::continual::scenarios::Permuted {
                tasks: 100,
            }),
            hidden: vec![32, 32],
            learning_rate: 0.01,
            iterations_per_task: 100,
            eval_every: 1_000_000,
            ..Self::default()
        }
    }

    /// Parses JSON text (CLI `--config`, the JS bindings) and validates it.
    pub fn from_json(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: Self = crate::error::deserialize_config(&mut de)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        self.dataset.validate()?;
        use fields::*;
        BUFFER_SIZE.check_u32(self.buffer_size)?;
        BATCH_SIZE.check_u32(self.batch_size)?;
        ITERATIONS_PER_TASK.check_u32(self.iterations_per_task)?;
        EVAL_EVERY.check_u32(self.eval_every)?;
        FEATURES.check_u32(self.features)?;
        if let Some(l) = self.regularization {
            REGULARIZATION.check(l)?;
        }
        LWF_ALPHA.check(self.lwf_alpha)?;
        TEMPERATURE.check(self.temperature)?;
        REHEARSAL_EXPONENT.check(self.rehearsal_exponent)?;
        PERTURB_STD.check(self.perturb_std)?;
        REPLACEMENT_RATE.check(self.replacement_rate)?;
        MATURITY.check_u32(self.maturity)?;
        UTILITY_DECAY.check(self.utility_decay)?;
        RIDGE.check(self.ridge)?;
        if self.hidden.is_empty() || self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::invalid(
                "hidden",
                format!("needs 1 to {MAX_HIDDEN_LAYERS} layer widths"),
            ));
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            HIDDEN.check_as(&format!("hidden[{i}]"), f64::from(w))?;
        }
        LEARNING_RATE.check(self.learning_rate)
    }

    /// λ of the regularizing strategies: the config's, or the strategy's default.
    pub fn lambda(&self) -> f64 {
        self.regularization
            .or(self.strategy.default_regularization())
            .unwrap_or(0.0)
    }
}
