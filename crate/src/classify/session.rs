//! A running in-context classification experiment (docs/SCIENCE.md §4): the task's world, Reddy's
//! classifier and its optimizer (plain SGD as Reddy's, optional L2 weight decay for Singh et al.'s
//! transience question), trained on the training mixture and evaluated on the two splits.

use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

pub use super::config::{ClassifyConfig, fields};
use super::model::{
    Classifier, InductionScores, InductionTally, accuracy, context_label_accuracy, cross_entropy,
};
use super::sequences::{Sequences, Split, World};
use crate::device::{self, Compute};
use crate::error::lost_model;
use crate::pace::Pace;
use crate::train::cadence::{Cadence, Trained};
use crate::train::{TRAIN_STEPS, check_room};
use crate::{Error, Result};

/// One training call's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClassifyReport {
    pub step: u32,
    /// Mean cross-entropy over the call's steps.
    pub loss: f64,
}

/// One head's attention at the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueryAttention {
    /// Layer (block), from 0.
    pub layer: u32,
    /// Head within the layer, from 0.
    pub head: u32,
    /// The query's mean attention over the tokens `x_1, ℓ_1, …, x_N, ℓ_N, x_q` on the
    /// in-context sequences (sums to 1).
    pub weights: Vec<f64>,
    /// The same row for the first in-context sequence alone ([`ClassifyEvaluation::example`]):
    /// where the matching pairs sit is that sequence's own.
    pub example: Vec<f64>,
}

/// What in-context accuracy is before any induction head: the larger of chance (1/L) and the
/// score of copying one of the context's labels at random. A bursty context of N pairs with
/// burstiness B holds N/B classes with distinct labels, one of them the query's, so copying scores
/// B/N (docs/SCIENCE.md §4). With N = 4, B = 2 that is 0.5, far above chance 1/16.
pub fn emergence_base(task: &super::BurstyConfig) -> f64 {
    let chance = 1.0 / f64::from(task.labels.max(1));
    let copying = f64::from(task.burstiness) / f64::from(task.pairs.max(1));
    chance.max(copying)
}

/// The accuracy that counts as emerged: halfway from `base` ([`emergence_base`]) to perfect. With
/// B = N the context holds a single class and copying its label scores 1: copying *is* the task,
/// there is no plateau above it to leave, and what emerges is the copying itself — its bar is
/// halfway from `chance` instead.
pub fn emergence_bar(base: f64, chance: f64) -> f64 {
    let from = if copying_is_the_task(base) {
        chance
    } else {
        base
    };
    from + (1.0 - from) / 2.0
}

/// Whether copying a context label already answers every in-context query (B = N).
pub fn copying_is_the_task(base: f64) -> bool {
    base >= 1.0 - 1e-12
}

/// The first evaluated step at which in-context accuracy reaches `bar` ([`emergence_bar`]): where
/// the label-copying plateau ends. `history` is (step, in-context accuracy) in order.
pub fn emergence_step(history: &[(u32, f64)], bar: f64) -> Option<u32> {
    history
        .iter()
        .find(|(_, acc)| *acc >= bar)
        .map(|(step, _)| *step)
}

/// The two evaluations and the attention at the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClassifyEvaluation {
    pub step: u32,
    /// Accuracy on novel classes whose label only the context holds.
    pub in_context: f64,
    /// Accuracy on training classes absent from the context: only memory answers.
    pub in_weights: f64,
    /// 1/L: what guessing scores.
    pub chance: f64,
    /// Reddy's context-label accuracy on the in-context sequences: the mean probability the
    /// model puts on labels present in the context (copying any of them scores 1 here). It rises
    /// in the first stage, before the induction head picks the right one.
    pub context_label_accuracy: f64,
    /// [`emergence_base`]: chance or copying a random context label, whichever is higher.
    pub base: f64,
    /// The in-context accuracy that counts as emerged: halfway from `base` to 1.
    pub emergence_bar: f64,
    /// On the in-context sequences; absent for the xLSTM, which has no attention.
    pub induction: Option<InductionScores>,
    /// Every head's attention at the query, layer by layer (empty for the xLSTM).
    pub query_attention: Vec<QueryAttention>,
    /// Per context pair of the first in-context sequence, whether its item is of the query's
    /// class (the pairs an induction head copies from).
    pub example: Vec<bool>,
    /// [`emergence_step`] over this session's evaluations so far.
    pub emergence_step: Option<u32>,
}

pub struct ClassifySession {
    config: ClassifyConfig,
    compute: Compute,
    world: World,
    model: Option<Classifier>,
    optim: ModuleOptimizer,
    rng: StdRng,
    step: u32,
    /// (step, in-context accuracy) of every evaluation, for [`emergence_step`].
    history: Vec<(u32, f64)>,
    /// Where training blew up, once it has: every later call answers it again.
    diverged: Option<(u32, &'static str, f64)>,
}

/// Sequences per forward pass in evaluation: bounds the attention maps held at once.
pub const EVAL_CHUNK: usize = 256;

impl ClassifySession {
    pub async fn new(config: ClassifyConfig) -> Result<Self> {
        config.validate()?;
        let compute = device::open(config.device).await?;
        let shape = config.classifier();
        let model = crate::model::seeded_on_cpu(&compute.train, u64::from(config.seed), |cpu| {
            shape.init(cpu)
        });
        let decay =
            (config.weight_decay > 0.0).then(|| WeightDecayConfig::new(config.weight_decay as f32));
        let optim = SgdConfig::new().with_weight_decay(decay).init();
        Ok(Self {
            world: World::new(&config.task, u64::from(config.seed)),
            rng: StdRng::seed_from_u64(u64::from(config.seed) ^ 0xC1A5_5000_0000_0000),
            config,
            compute,
            model: Some(model),
            optim,
            step: 0,
            history: Vec::new(),
            diverged: None,
        })
    }

    pub fn config(&self) -> &ClassifyConfig {
        &self.config
    }

    pub fn step(&self) -> u32 {
        self.step
    }

    /// Where it trains.
    pub fn device_info(&self) -> &crate::device::DeviceInfo {
        &self.compute.info
    }

    /// Trainable numbers of the model.
    pub fn num_params(&self) -> usize {
        self.model.as_ref().map_or(0, Module::num_params)
    }

    /// The divergence this run stopped at, again, or nothing if it has not diverged: the same
    /// rule as an in-context session's.
    fn refuse_if_diverged(&self) -> Result<()> {
        match self.diverged {
            Some((step, what, value)) => Err(Error::Diverged { step, what, value }),
            None => Ok(()),
        }
    }

    /// Records and answers a divergence when `values` hold a number that is not finite.
    fn check_finite(&mut self, values: &[f32], what: &'static str) -> Result<()> {
        match values.iter().find(|v| !v.is_finite()) {
            Some(bad) => {
                self.diverged = Some((self.step, what, f64::from(*bad)));
                self.refuse_if_diverged()
            }
            None => Ok(()),
        }
    }

    /// One report's worth of a run towards step `end` on `cadence`, evaluated on `prompts`
    /// sequences per split where the cadence puts an evaluation (never without `prompts`): a
    /// `train()` stream's call and a point of `iclab classify train`. `prompts` is checked
    /// before any step is trained.
    pub async fn train_on(
        &mut self,
        cadence: Cadence,
        end: u32,
        prompts: Option<u32>,
        pace: &mut Pace,
    ) -> Result<Trained<ClassifyReport, ClassifyEvaluation>> {
        if let Some(prompts) = prompts {
            fields::PROMPTS.check_u32(prompts)?;
            self.config.check_evaluation(prompts)?;
        }
        let at = self.step;
        let steps = cadence.next(at, end)?;
        let report = self.train_paced(steps, pace).await?;
        let evaluation = match prompts {
            Some(prompts) if cadence.evaluates(at, self.step, end) => {
                Some(self.evaluate_paced(prompts, pace).await?)
            }
            _ => None,
        };
        Ok(Trained { report, evaluation })
    }

    /// Trains `steps` SGD steps; one read-back for the report.
    pub async fn train(&mut self, steps: u32) -> Result<ClassifyReport> {
        self.train_paced(steps, &mut Pace::free()).await
    }

    /// [`Self::train`], giving way to `pace` between steps.
    pub async fn train_paced(&mut self, steps: u32, pace: &mut Pace) -> Result<ClassifyReport> {
        TRAIN_STEPS.check_u32(steps)?;
        check_room(self.step, steps)?;
        self.refuse_if_diverged()?;
        let device = self.compute.train.clone();
        let mut sum = None;
        for _ in 0..steps {
            let batch =
                self.world
                    .sample(Split::Train, &mut self.rng, self.config.batch_size as usize);
            let model = self.model.take().ok_or_else(lost_model)?;
            let loss = cross_entropy(
                model.forward(batch.tokens(&self.world, &device)),
                batch.targets(&device),
            );
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            self.model = Some(self.optim.step(self.config.learning_rate, model, grads));
            self.step += 1;
            let loss = loss.detach();
            sum = Some(match sum {
                Some(s) => s + loss,
                None => loss,
            });
            pace.tick().await?;
        }
        let total = sum.ok_or_else(|| Error::invalid("steps", "must be at least 1"))?;
        let loss = device::read_f32(total, "loss").await?[0] / steps as f32;
        self.check_finite(&[loss], "the loss")?;
        Ok(ClassifyReport {
            step: self.step,
            loss: f64::from(loss),
        })
    }

    /// Accuracy on both splits (`prompts` sequences each, seeded apart from training) and the
    /// attention at the query; recorded for [`emergence_step`].
    pub async fn evaluate(&mut self, prompts: u32) -> Result<ClassifyEvaluation> {
        self.evaluate_paced(prompts, &mut Pace::free()).await
    }

    /// [`Self::evaluate`] in chunks of [`EVAL_CHUNK`] sequences (its memory does not grow with
    /// `prompts`), giving way to `pace` between chunks. The sequences are the same as drawn in
    /// one piece: every in-context chunk, then every in-weights chunk, from one stream.
    pub async fn evaluate_paced(
        &mut self,
        prompts: u32,
        pace: &mut Pace,
    ) -> Result<ClassifyEvaluation> {
        fields::PROMPTS.check_u32(prompts)?;
        self.config.check_evaluation(prompts)?;
        self.refuse_if_diverged()?;
        let model = self.model.as_ref().ok_or_else(lost_model)?.valid();
        let mut rng = StdRng::seed_from_u64(u64::from(self.config.seed) ^ 0xE7A1_0000_0000_0000);
        let labels = self.config.task.labels as usize;
        let device = self.compute.infer.clone();
        let n = self.config.task.pairs as usize;
        let s = 2 * n + 1;
        let targets = |q: &Sequences| -> Vec<u32> {
            (0..q.batch).map(|b| q.labels[b * (n + 1) + n]).collect()
        };
        let chunks = |total: usize| {
            (0..total)
                .step_by(EVAL_CHUNK)
                .map(move |at| EVAL_CHUNK.min(total - at))
        };
        // in-context split: accuracy, context-label accuracy, attention and induction scores
        let (mut hits, mut copying) = (0.0, 0.0);
        let mut attention: Vec<f64> = Vec::new();
        let mut example = Vec::new();
        let mut first_row: Vec<f64> = Vec::new();
        let mut induction = InductionTally::default();
        let (mut layers, mut heads) = (0, 0);
        for size in chunks(prompts as usize) {
            let ic = self.world.sample(Split::InContext, &mut rng, size);
            let (logits, maps) = model.forward_with_attention(ic.tokens(&self.world, &device));
            let logits = device::read_f32(logits, "logits").await?;
            self.check_finite(&logits, "the model's outputs")?;
            layers = maps.len();
            heads = maps.first().map_or(0, |m| m.dims()[1]);
            // every layer's map in one read-back, split on the host
            let host: Vec<Vec<f32>> = match layers {
                0 => Vec::new(),
                _ => {
                    let all = device::read_f32(Tensor::stack::<5>(maps, 0), "attention").await?;
                    self.check_finite(&all, "the attention")?;
                    let per = (all.len() / layers).max(1);
                    all.chunks(per).map(<[f32]>::to_vec).collect()
                }
            };
            if let (Some(first), Some(last)) = (host.first(), host.last()) {
                induction.add(&ic, first, last);
            }
            if attention.is_empty() {
                attention = vec![0.0; layers * heads * s];
                example = (0..n).map(|i| ic.classes[i] == ic.classes[n]).collect();
            }
            for (layer, m) in host.iter().enumerate() {
                for head in 0..heads {
                    for j in 0..s {
                        let at = |b: usize| f64::from(m[((b * heads + head) * s + s - 1) * s + j]);
                        attention[(layer * heads + head) * s + j] +=
                            (0..ic.batch).map(at).sum::<f64>();
                        if first_row.len() < layers * heads * s {
                            first_row.push(at(0));
                        }
                    }
                }
            }
            hits += accuracy(&logits, &targets(&ic), labels) * size as f64;
            copying += context_label_accuracy(&logits, &ic, labels) * size as f64;
            pace.tick().await?;
        }
        let mut iw_hits = 0.0;
        for size in chunks(prompts as usize) {
            let iw = self.world.sample(Split::InWeights, &mut rng, size);
            let logits =
                device::read_f32(model.forward(iw.tokens(&self.world, &device)), "logits").await?;
            self.check_finite(&logits, "the model's outputs")?;
            iw_hits += accuracy(&logits, &targets(&iw), labels) * size as f64;
            pace.tick().await?;
        }
        let total = f64::from(prompts);
        let query_attention = (0..layers)
            .flat_map(|layer| (0..heads).map(move |head| (layer, head)))
            .map(|(layer, head)| {
                let row = (layer * heads + head) * s;
                QueryAttention {
                    layer: layer as u32,
                    head: head as u32,
                    weights: attention[row..row + s].iter().map(|v| v / total).collect(),
                    example: first_row[row..row + s].to_vec(),
                }
            })
            .collect();
        let in_context = hits / total;
        let chance = 1.0 / labels as f64;
        let base = emergence_base(&self.config.task);
        self.history.push((self.step, in_context));
        Ok(ClassifyEvaluation {
            step: self.step,
            in_context,
            in_weights: iw_hits / total,
            chance,
            context_label_accuracy: copying / total,
            base,
            emergence_bar: emergence_bar(base, chance),
            induction: induction.scores(),
            query_attention,
            example,
            emergence_step: emergence_step(&self.history, emergence_bar(base, chance)),
        })
    }
}

#[cfg(test)]
mod tests;

mod file;
pub use file::FORMAT;
