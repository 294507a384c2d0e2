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

use super::model::{
    Classifier, ClassifierConfig, ClassifyBackbone, InductionScores, InductionTally, accuracy,
    context_label_accuracy, cross_entropy, token_width,
};
use super::sequences::{BurstyConfig, Sequences, Split, World};
use crate::device::{self, Compute, DeviceChoice};
use crate::pace::Pace;
use crate::session::{TRAIN_STEPS, check_room, lost_model};
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
        let task = &config.task;
        let width = token_width(task.pairs as usize, task.dims as usize);
        let seq_len = 2 * task.pairs as usize + 1;
        let mut shape = ClassifierConfig::new(width, seq_len, task.labels as usize);
        shape.backbone = config.backbone;
        shape.layers = config.layers as usize;
        shape.hidden = if config.backbone == ClassifyBackbone::AttentionOnly {
            config.hidden
        } else {
            config.d_model
        } as usize;
        shape.heads = config.heads as usize;
        let model = crate::model::seeded_on_cpu(&compute.train, u64::from(config.seed), |cpu| {
            shape.init(cpu)
        });
        let decay =
            (config.weight_decay > 0.0).then(|| WeightDecayConfig::new(config.weight_decay as f32));
        let optim = SgdConfig::new().with_weight_decay(decay).init();
        Ok(Self {
            world: World::new(task, u64::from(config.seed)),
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
mod tests {
    use super::*;

    /// A task field is named by its path, whichever check refuses it (the parser's or the
    /// task's own rules).
    #[test]
    fn task_fields_are_named_by_their_path() {
        for (json, field) in [
            (r#"{"task": {"classes": 10, "labels": 4}}"#, "task.classes"),
            (r#"{"task": {"dims": 0}}"#, "task.dims"),
            (
                r#"{"task": {"pairs": 8, "burstiness": 3}}"#,
                "task.burstiness",
            ),
            (r#"{"task": {"noise": 1e9}}"#, "task.noise"),
            (r#"{"task": {"labels": 1}}"#, "task.labels"),
            (r#"{"task": {"dims": "x"}}"#, "task.dims"),
        ] {
            let err = ClassifyConfig::from_json(json).expect_err(json);
            assert_eq!(err.field(), Some(field), "{json}: {err}");
        }
    }

    /// A run whose training blew up answers `diverged` from then on, training and evaluating
    /// alike (it evaluated before, with its NaN scores turned into null), as an in-context
    /// session does.
    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn a_diverged_run_refuses_every_later_call() {
        pollster::block_on(async {
            let config = ClassifyConfig::from_json(
                r#"{"learningRate": 10, "device": "cpu", "batchSize": 16, "task": {"dims": 8}}"#,
            )
            .expect("valid");
            let mut run = ClassifySession::new(config).await.expect("run");
            let mut stopped = None;
            for _ in 0..100 {
                if let Err(e) = run.train(10).await {
                    stopped = Some(e);
                    break;
                }
            }
            let err = stopped.expect("learning rate 10 diverges within 1,000 steps");
            assert_eq!(err.code(), "diverged", "{err}");
            for again in [
                run.train(1).await.map(|_| ()),
                run.evaluate(16).await.map(|_| ()),
            ] {
                assert_eq!(again.expect_err("refused").code(), "diverged");
            }
        });
    }

    /// Evaluation in chunks holds no more than a chunk's attention maps, and reads the same
    /// sequences as in one piece: 300 prompts (two chunks) agree with the first 256's share.
    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn evaluation_in_chunks_reads_every_prompt() {
        pollster::block_on(async {
            let config = ClassifyConfig::from_json(r#"{"device": "cpu", "task": {"dims": 8}}"#)
                .expect("valid");
            let mut run = ClassifySession::new(config).await.expect("run");
            let one = run.evaluate(EVAL_CHUNK as u32).await.expect("one chunk");
            let two = run
                .evaluate(EVAL_CHUNK as u32 + 44)
                .await
                .expect("two chunks");
            assert_eq!(one.example, two.example, "the first sequence is the same");
            for (a, b) in one.query_attention.iter().zip(&two.query_attention) {
                assert_eq!(a.example, b.example);
                let sum: f64 = b.weights.iter().sum();
                assert!((sum - 1.0).abs() < 1e-4, "mean attention sums to 1: {sum}");
            }
            let scale = |x: f64, n: f64| (x * n).round();
            // whole-sequence counts: accuracy × prompts is a count of hits
            for acc in [two.in_context, two.in_weights] {
                let hits = scale(acc, 300.0);
                assert!((acc * 300.0 - hits).abs() < 1e-6, "{acc}");
            }
        });
    }

    /// The plateau ends at the first evaluation halfway from the base to perfect, not at the best
    /// one and not before.
    #[test]
    fn emergence_is_the_first_evaluation_past_halfway_from_the_base() {
        let bar = emergence_bar(1.0 / 8.0, 1.0 / 8.0);
        let history = [(100, 0.13), (200, 0.5), (300, 0.57), (400, 0.9)];
        assert_eq!(emergence_step(&history, bar), Some(300));
        assert_eq!(emergence_step(&history[..2], bar), None);
        assert_eq!(emergence_step(&[], bar), None);
    }

    /// With N = 4 and B = 2, copying either context label scores 0.5: a run sitting on that
    /// plateau (0.50–0.55, as the shipped sweep's did before its jump) has not emerged; the bar is
    /// 0.75, not chance's 0.53.
    #[test]
    fn the_label_copying_plateau_is_not_emergence() {
        let task = super::super::BurstyConfig {
            pairs: 4,
            burstiness: 2,
            labels: 16,
            ..Default::default()
        };
        let base = emergence_base(&task);
        assert_eq!(base, 0.5);
        assert_eq!(emergence_bar(base, 1.0 / 16.0), 0.75);
        let history = [
            (2000, 0.50),
            (2500, 0.52),
            (3000, 0.55),
            (3250, 0.62),
            (3500, 0.93),
        ];
        assert_eq!(
            emergence_step(&history, emergence_bar(base, 1.0 / 16.0)),
            Some(3500)
        );
        // B = 1, N = 4: copying scores 0.25; L = 2 makes chance (0.5) the larger
        let one = super::super::BurstyConfig {
            burstiness: 1,
            ..task.clone()
        };
        assert_eq!(emergence_base(&one), 0.25);
        let two_labels = super::super::BurstyConfig {
            labels: 2,
            classes: 128,
            ..one
        };
        assert_eq!(emergence_base(&two_labels), 0.5);
        // B = N: one class per context, copying its label is the task; its bar comes from chance
        let single = super::super::BurstyConfig {
            burstiness: 4,
            ..task
        };
        assert_eq!(emergence_base(&single), 1.0);
        assert!(copying_is_the_task(1.0));
        assert_eq!(emergence_bar(1.0, 1.0 / 16.0), 1.0 / 16.0 + 15.0 / 32.0);
    }
}
