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
use super::stage::{StageFinding, decide, standard_error};
use super::strategies::{Rule, kl};
use super::task::{Batch, MarkovConfig, rng};
use crate::device::{self, Compute, DeviceChoice};
use crate::error::lost_model;
use crate::pace::Pace;
use crate::train::{TRAIN_STEPS, check_room};
use crate::{Error, Result};

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

    /// The model on the fixed evaluation chains (see [`MarkovEvaluation`]).
    pub async fn evaluate(&self) -> Result<MarkovEvaluation> {
        let model = self.model.as_ref().ok_or_else(lost_model)?.valid();
        let device = self.compute.infer.clone();
        let task = &self.config.task;
        let (k, ctx, alpha) = (task.k(), task.context(), task.alpha);
        let eval = &self.eval;
        let (n, l) = (eval.batch, eval.length);
        let s = l - 1; // positions read
        let (inputs, _) = tensors(eval, &device);
        let (logits, maps) = model.forward_with_attention(inputs);
        let first = device::read_f32(
            burn::tensor::activation::softmax(logits.clone().narrow(0, 0, 1).reshape([s, k]), 1),
            "predictions",
        )
        .await?;
        let last = logits.narrow(1, s - 1, 1).reshape([n, k]);
        let probs =
            device::read_f32(burn::tensor::activation::softmax(last, 1), "predictions").await?;
        if let Some(bad) = probs.iter().find(|v| !v.is_finite()) {
            return Err(Error::Diverged {
                step: self.step,
                what: "the model's predictions",
                value: f64::from(*bad),
            });
        }
        // each layer's last row [n, h, s] and its previous-state mass per head
        let mut attention = Vec::new();
        let previous = {
            let m: Vec<f32> = (0..s * s)
                .map(|x| {
                    if x / s >= 1 && x % s == x / s - 1 {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect();
            Tensor::<2>::from_data(TensorData::new(m, [s, s]), &device).reshape([1, 1, s, s])
        };
        let mut rows = Vec::with_capacity(maps.len());
        let mut prev = Vec::with_capacity(maps.len());
        for map in &maps {
            let h = map.dims()[1];
            rows.push((
                h,
                device::read_f32(map.clone().narrow(2, s - 1, 1), "attention").await?,
            ));
            let on_previous = (map.clone() * previous.clone())
                .sum_dim(3)
                .sum_dim(2)
                .sum_dim(0);
            prev.push(device::read_f32(on_previous.reshape([h]), "attention").await?);
        }
        // the rules and the KLs, sequence by sequence
        let stages = Rule::STAGES;
        let mut to_model: [Vec<f64>; 3] = Default::default();
        let mut between: [[Vec<f64>; 3]; 3] = Default::default();
        let mut loss = Vec::with_capacity(n);
        let mut rule_losses: [Vec<f64>; 4] = Default::default();
        let mut example_bigram = Vec::new();
        for b in 0..n {
            let seq = eval.sequence(b);
            let seen = &seq[..s];
            let chain = &eval.chains[b];
            let model_p: Vec<f64> = probs[b * k..(b + 1) * k]
                .iter()
                .map(|&p| f64::from(p))
                .collect();
            let rules: Vec<Vec<f64>> = Rule::ALL
                .iter()
                .map(|r| r.predict(seen, k, ctx, alpha, chain))
                .collect();
            for (i, _) in stages.iter().enumerate() {
                to_model[i].push(kl(&rules[i], &model_p));
                for j in 0..3 {
                    between[i][j].push(kl(&rules[i], &rules[j]));
                }
            }
            loss.push(kl(&rules[3], &model_p));
            for (i, rule) in rules.iter().enumerate() {
                rule_losses[i].push(kl(&rules[3], rule));
            }
            if b == 0 {
                example_bigram = rules[2].clone();
            }
        }
        for (layer, ((h, row), on_prev)) in rows.iter().zip(&prev).enumerate() {
            for head in 0..*h {
                let at = |b: usize| &row[(b * h + head) * s..(b * h + head + 1) * s];
                let mut induction = 0.0;
                for b in 0..n {
                    let seq = eval.sequence(b);
                    // positions j right after an earlier occurrence of the current context (the
                    // last n − 1 states): where the counts the n-gram rule needs are
                    let current = &seq[s - ctx..s];
                    induction += (ctx..s)
                        .filter(|&j| &seq[j - ctx..j] == current)
                        .map(|j| f64::from(at(b)[j]))
                        .sum::<f64>();
                }
                attention.push(HeadAttention {
                    layer: layer as u32,
                    head: head as u32,
                    example: at(0).iter().map(|&w| f64::from(w)).collect(),
                    previous_state: f64::from(on_prev[head]) / (n * (s - 1)) as f64,
                    induction: induction / n as f64,
                });
            }
        }
        let name = |r: Rule| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let mut to_rules = BTreeMap::new();
        for (i, r) in stages.iter().enumerate() {
            to_rules.insert(name(*r), Measured::of(&to_model[i]));
        }
        to_rules.insert(name(Rule::Oracle), Measured::of(&loss));
        let rule_losses = Rule::ALL
            .iter()
            .zip(&rule_losses)
            .map(|(r, v)| (name(*r), Measured::of(v)))
            .collect();
        let trace = {
            let (seq, chain) = (eval.sequence(0), &eval.chains[0]);
            let next = |t: usize| usize::from(seq[t + 1]);
            SequenceTrace {
                states: seq.iter().map(|&x| u32::from(x)).collect(),
                model: (0..s).map(|t| f64::from(first[t * k + next(t)])).collect(),
                bigram: (0..s)
                    .map(|t| Rule::Bigram.predict(&seq[..=t], k, ctx, alpha, chain)[next(t)])
                    .collect(),
            }
        };
        Ok(MarkovEvaluation {
            trace,
            step: self.step,
            to_rules,
            loss: Measured::of(&loss),
            rule_losses,
            stage: decide(&to_model, &between),
            attention,
            example: eval.sequence(0)[..s]
                .iter()
                .map(|&x| u32::from(x))
                .collect(),
            example_model: probs[..k].iter().map(|&p| f64::from(p)).collect(),
            example_bigram,
        })
    }
}
