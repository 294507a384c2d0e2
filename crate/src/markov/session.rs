//! A running Markov experiment (docs/SCIENCE.md §7): the paper's model trained by Adam on
//! next-state cross-entropy at every position, fresh chains every step, and evaluated on a fixed
//! set of chains: the model's KL divergence to each rule at the last position, its loss against
//! the truth next to each rule's, the stage the core decides, and the attention of both layers.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Int, Tensor, TensorData};
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::model::{MarkovBackbone, MarkovModelConfig, MarkovNet};
use super::stage::{StageFinding, standard_error};
use super::task::{Batch, MarkovConfig, rng};
use crate::device::{self, Compute, DeviceChoice};
use crate::error::lost_model;
use crate::pace::Pace;
use crate::train::{TRAIN_STEPS, check_room};
use crate::{Error, Result};

mod evaluate;

/// The bounds of a run's numbers (the catalog lists them).
pub mod fields {
    use crate::schema::Field;

    pub const WIDTH: Field = Field::int("width", 4, 128).labelled("Width");
    pub const LAYERS: Field = Field::int("layers", 1, 4).labelled("Layers");
    pub const LEARNING_RATE: Field = Field::positive("learningRate", 1.0).labelled("Learning rate");
    pub const BATCH_SIZE: Field = Field::int("batchSize", 1, 512).labelled("Batch size");
    pub const EVAL_SEQUENCES: Field =
        Field::int("evalSequences", 16, 4096).labelled("Test sequences");
    pub const ALL: &[Field] = &[WIDTH, LAYERS, LEARNING_RATE, BATCH_SIZE, EVAL_SEQUENCES];
}

/// A run: the task, the model's size, Adam, the evaluation set, where and with what seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MarkovRunConfig {
    pub task: MarkovConfig,
    /// The network (the paper's attention-only model by default).
    pub backbone: MarkovBackbone,
    /// Residual width (the paper: 16 per head of layer 1); must be a multiple of layer 1's
    /// heads (order − 1).
    pub width: u32,
    /// Attention layers (the paper: 2).
    pub layers: u32,
    /// Adam's learning rate (the paper: AdamW 5e-4 over 2,000 steps).
    pub learning_rate: f64,
    /// Sequences per step (the paper: 64).
    pub batch_size: u32,
    /// Chains in the fixed evaluation set.
    pub eval_sequences: u32,
    pub device: DeviceChoice,
    pub seed: u32,
}

impl Default for MarkovRunConfig {
    fn default() -> Self {
        Self {
            task: MarkovConfig::default(),
            backbone: MarkovBackbone::default(),
            width: 16,
            layers: 2,
            learning_rate: 1e-3,
            batch_size: 32,
            eval_sequences: 256,
            device: DeviceChoice::default(),
            seed: 0,
        }
    }
}

impl MarkovRunConfig {
    pub fn from_json(text: &str) -> Result<Self> {
        let config: Self =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(text))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        self.task.validate().map_err(|e| e.within("task"))?;
        fields::WIDTH.check_u32(self.width)?;
        fields::LAYERS.check_u32(self.layers)?;
        fields::LEARNING_RATE.check(self.learning_rate)?;
        fields::BATCH_SIZE.check_u32(self.batch_size)?;
        fields::EVAL_SEQUENCES.check_u32(self.eval_sequences)?;
        let heads = self.task.context() as u32;
        if !self.width.is_multiple_of(heads) {
            return Err(Error::invalid(
                "width",
                format!(
                    "must be a multiple of layer 1's {heads} heads (order − 1), got {}",
                    self.width
                ),
            ));
        }
        Ok(())
    }

    fn model(&self) -> MarkovModelConfig {
        MarkovModelConfig {
            backbone: self.backbone,
            states: self.task.k(),
            length: self.task.length as usize - 1,
            width: self.width as usize,
            layers: self.layers as usize,
            first_heads: self.task.context(),
        }
    }
}

/// One training call's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MarkovReport {
    pub step: u32,
    /// Mean next-state cross-entropy (nats) since the last report.
    pub loss: f64,
}

/// A mean over the evaluation sequences and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    pub mean: f64,
    pub standard_error: f64,
}

impl Measured {
    fn of(values: &[f64]) -> Self {
        Self {
            mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
            standard_error: standard_error(values),
        }
    }
}

/// One head's attention from the last position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HeadAttention {
    pub layer: u32,
    pub head: u32,
    /// On the first evaluation sequence: the last position's attention over every position.
    pub example: Vec<f64>,
    /// Mean attention of every position on the one before it, over all sequences (a
    /// previous-state head has it near 1).
    pub previous_state: f64,
    /// The last position's attention mass on the positions right after earlier occurrences of
    /// the current context (the last n − 1 states), over all sequences (an induction head has it
    /// near 1).
    pub induction: f64,
}

/// One evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MarkovEvaluation {
    pub step: u32,
    /// KL(rule ‖ model) at the last position, per rule (uniform, unigram, bigram, oracle).
    pub to_rules: BTreeMap<String, Measured>,
    /// KL(truth ‖ model) at the last position: the model's loss above the unavoidable.
    pub loss: Measured,
    /// KL(truth ‖ rule) for each rule on the same positions: where each rule's loss sits.
    pub rule_losses: BTreeMap<String, Measured>,
    pub stage: StageFinding,
    pub attention: Vec<HeadAttention>,
    /// The first evaluation sequence, the model's next-state probabilities after it and the
    /// bigram rule's.
    pub example: Vec<u32>,
    pub example_model: Vec<f64>,
    pub example_bigram: Vec<f64>,
    /// The same sequence position by position.
    pub trace: SequenceTrace,
}

/// One sequence read position by position: after each prefix, the probability the model gave
/// to the state that came next, and the bigram rule's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SequenceTrace {
    /// The whole sequence, T states: position t's next state is `states[t + 1]`.
    pub states: Vec<u32>,
    /// The model's probability of `states[t + 1]` after reading `states[..=t]`, T − 1 values.
    pub model: Vec<f64>,
    /// The bigram rule's probability of the same state from the same prefix.
    pub bigram: Vec<f64>,
}

pub struct MarkovSession {
    config: MarkovRunConfig,
    compute: Compute,
    model: Option<MarkovNet>,
    optim: ModuleOptimizer,
    rng: StdRng,
    eval: Batch,
    step: u32,
}

/// Inputs (all but the last state) and targets (all but the first) of a batch.
fn tensors(batch: &Batch, device: &burn::tensor::Device) -> (Tensor<2, Int>, Tensor<1, Int>) {
    let (b, l) = (batch.batch, batch.length);
    let mut inputs = Vec::with_capacity(b * (l - 1));
    let mut targets = Vec::with_capacity(b * (l - 1));
    for s in 0..b {
        let seq = batch.sequence(s);
        inputs.extend(seq[..l - 1].iter().map(|&x| i64::from(x)));
        targets.extend(seq[1..].iter().map(|&x| i64::from(x)));
    }
    (
        Tensor::from_data(TensorData::new(inputs, [b, l - 1]), device),
        Tensor::from_data(TensorData::new(targets, [b * (l - 1)]), device),
    )
}

impl MarkovSession {
    pub async fn new(config: MarkovRunConfig) -> Result<Self> {
        config.validate()?;
        let compute = device::open(config.device).await?;
        let shape = config.model();
        let model = crate::model::seeded_on_cpu(&compute.train, u64::from(config.seed), |cpu| {
            shape.init(cpu)
        });
        let eval = Batch::sample(
            &config.task,
            config.eval_sequences as usize,
            &mut rng(config.seed, 0xE7A1_0000_0000_0000),
        )?;
        Ok(Self {
            rng: rng(config.seed, 0x3A2C_0000_0000_0000),
            optim: AdamConfig::new().init(),
            config,
            compute,
            model: Some(model),
            eval,
            step: 0,
        })
    }

    pub fn config(&self) -> &MarkovRunConfig {
        &self.config
    }

    pub fn step(&self) -> u32 {
        self.step
    }

    pub fn device_info(&self) -> &crate::device::DeviceInfo {
        &self.compute.info
    }

    pub fn num_params(&self) -> usize {
        self.model.as_ref().map_or(0, Module::num_params)
    }

    pub async fn train(&mut self, steps: u32) -> Result<MarkovReport> {
        self.train_paced(steps, &mut Pace::free()).await
    }

    /// `steps` Adam steps on fresh chains; one read-back for the report.
    pub async fn train_paced(&mut self, steps: u32, pace: &mut Pace) -> Result<MarkovReport> {
        TRAIN_STEPS.check_u32(steps)?;
        check_room(self.step, steps)?;
        let device = self.compute.train.clone();
        let k = self.config.task.k();
        let mut sum: Option<Tensor<1>> = None;
        for _ in 0..steps {
            let batch = Batch::sample(
                &self.config.task,
                self.config.batch_size as usize,
                &mut self.rng,
            )?;
            let (inputs, targets) = tensors(&batch, &device);
            let model = self.model.take().ok_or_else(lost_model)?;
            let logits = model.forward(inputs);
            let [b, s, _] = logits.dims();
            let log_p = burn::tensor::activation::log_softmax(logits.reshape([b * s, k]), 1);
            let loss = log_p.gather(1, targets.reshape([b * s, 1])).mean().neg();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            self.model = Some(self.optim.step(self.config.learning_rate, model, grads));
            self.step += 1;
            let loss = loss.detach();
            sum = Some(match sum {
                Some(t) => t + loss,
                None => loss,
            });
            pace.tick().await?;
        }
        let total = sum.ok_or_else(|| Error::invalid("steps", "must be at least 1"))?;
        let loss = f64::from(device::read_f32(total, "loss").await?[0]) / f64::from(steps);
        if !loss.is_finite() {
            return Err(Error::Diverged {
                step: self.step,
                what: "the loss",
                value: loss,
            });
        }
        Ok(MarkovReport {
            step: self.step,
            loss,
        })
    }
}
