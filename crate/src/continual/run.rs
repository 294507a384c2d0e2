//! One continual-learning run, steppable: a dataset cut into tasks by a scenario, a learner
//! trained on the stream segment by segment, and every task's test subset evaluated every
//! `evalEvery` steps (continual evaluation, De Lange et al. 2023) — from which the accuracy
//! matrix and every metric of [`super::metrics`] follow. [`ClRun::advance`] trains a few steps at
//! a time so the browser can draw as it goes; [`run`] does the whole stream. Seeded: same config,
//! same numbers.
//!
//! Learners come in three families that share the stream, the evaluation and the metrics:
//! - networks trained by gradient steps with a [`Strategy`] (naive, joint, replay, power-law
//!   replay, L2, EWC, LwF) — `iterationsPerTask` steps of `batchSize` examples per segment;
//! - the prototypical network (gradient steps on a distance-based loss, online prototypes);
//! - host learners (NCM, streaming LDA, analytic head) that read each segment's training data
//!   once, in shuffled batches of `batchSize`, on raw inputs or an embedding.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::data::Dataset;
use super::digits::{Digits, DigitsConfig};
use super::learners::{AnalyticHead, HostLearner, NearestClassMean, Prototypes, StreamingLda};
use super::metrics::{self, ContinualCurves, Forgetting, StabilityGap};
use super::scenarios::{ScenarioConfig, Stream};
use super::strategies::{
    ClassBalanced, Ewc, Joint, L2, Lwf, Memory, Naive, PowerLawReplay, Replay, Reservoir,
    StepContext, Strategy, TaskEnd, flat_grads, flat_params,
};
use super::two_d::TwoDConfig;
use crate::config::{check_learning_rate, check_range};
use crate::device::{self, Compute, DeviceChoice};
use crate::model::mlp::{Mlp, MlpConfig};
use crate::{Error, Result};

/// Logit added to the classes outside an example's task when the stream is multi-head.
const OTHER_HEAD: f32 = -1e9;
/// Minibatches averaged for EWC's Fisher (at most; fewer if the task is small).
const FISHER_BATCHES: usize = 16;
/// Windowed forgetting's window, in evaluation points.
const WINDOW: usize = 10;

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
    /// average accuracy on 4 permuted-digit tasks with the default MLP and training (L2 tried at
    /// 0.001–1, EWC at 100–10,000; stronger protects old tasks more but stops new ones).
    pub fn default_regularization(self) -> f64 {
        match self {
            Self::Ewc => 100.0,
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

    fn lambda(&self) -> f64 {
        self.regularization
            .unwrap_or_else(|| self.strategy.default_regularization())
    }
}

/// The metrics of a finished stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub average_accuracy: f64,
    /// Mean forgetting under [`Forgetting::Max`] (Chaudhry et al.).
    pub forgetting: f64,
    pub forgetting_definition: Forgetting,
    /// Mean forgetting under [`Forgetting::SinceLearned`] (Avalanche).
    pub forgetting_since_learned: f64,
    pub backward_transfer: f64,
    pub forward_transfer: f64,
    /// min-ACC at the end of the stream (finished tasks: all first trained before the last
    /// segment).
    pub min_acc: Option<f64>,
    /// WC-ACC at the end of the stream.
    pub wc_acc: f64,
    /// Windowed forgetting over 10 evaluation points, mean over tasks.
    pub windowed_forgetting: f64,
}

/// A run so far (or finished).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClResult {
    pub strategy: StrategyKind,
    pub tasks: Vec<String>,
    /// Training segments in order, as task indices.
    pub order: Vec<usize>,
    pub multi_head: bool,
    /// `R[s][j]`: accuracy on task j after training segment s (finished segments only).
    pub accuracy_matrix: Vec<Vec<f64>>,
    /// Accuracy on each task before any training (for FWT).
    pub random_init: Vec<f64>,
    /// Training steps done at each evaluation point (0 = before training).
    pub iterations: Vec<u32>,
    /// `curves[j][t]`: accuracy on task j at evaluation point t.
    pub curves: Vec<Vec<f64>>,
    /// Evaluation point at which each finished segment ended.
    pub ends: Vec<usize>,
    /// Per task, the stability gap after its first segment, measured over the next segment's
    /// evaluation points (so far); `None` until an evaluation follows the task's end, and for
    /// tasks not yet trained.
    pub stability_gaps: Vec<Option<StabilityGap>>,
    /// Where it runs (and why not on WebGPU, if not).
    pub device_info: crate::device::DeviceInfo,
    /// Steps done and in all.
    pub step: u32,
    pub total_steps: u32,
    pub done: bool,
    /// Present once the stream is done.
    pub metrics: Option<Metrics>,
}

/// Predicted class over a grid covering a 2-D dataset, and its test points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Boundary {
    pub resolution: usize,
    /// `[xMin, xMax, yMin, yMax]`.
    pub extent: [f32; 4],
    /// `resolution²` classes, row-major, row 0 at `yMin`.
    pub classes: Vec<u32>,
    /// Test points of every task (`[n, 2]` row-major), their labels and task.
    pub points: Vec<f32>,
    pub labels: Vec<u32>,
    pub task_of: Vec<u32>,
}

struct Net {
    model: Mlp,
    optim: ModuleOptimizer,
    strategy: Box<dyn Strategy>,
    teacher: Option<Mlp>,
}

struct Proto {
    model: Mlp,
    optim: ModuleOptimizer,
    prototypes: Prototypes,
}

struct Host {
    learner: Box<dyn HostLearner>,
    /// Embedding network (inference device), unless raw.
    embed: Option<Mlp>,
    /// Each task's data as the learner sees it.
    train: Vec<Dataset>,
    test: Vec<Dataset>,
    /// The current segment's reading order.
    order: Vec<usize>,
}

enum Learner {
    Net(Box<Net>),
    Proto(Box<Proto>),
    Host(Box<Host>),
}

/// Which classes each task may predict: all of them, or (multi-head) the task's own.
struct Heads {
    multi_head: bool,
    /// Per task.
    allowed: Vec<Vec<u32>>,
    classes: usize,
}

impl Heads {
    fn new(stream: &Stream, classes: usize) -> Self {
        let allowed = stream
            .tasks
            .iter()
            .map(|t| {
                if stream.multi_head {
                    t.classes.clone()
                } else {
                    (0..classes as u32).collect()
                }
            })
            .collect();
        Self {
            multi_head: stream.multi_head,
            allowed,
            classes,
        }
    }

    /// `[n, classes]` additive mask keeping each example's own task's classes (multi-head only).
    fn mask(&self, labels: &[u32], device: &Device) -> Option<Tensor<2>> {
        if !self.multi_head {
            return None;
        }
        let classes = self.classes;
        let mut m = vec![OTHER_HEAD; labels.len() * classes];
        for (i, &l) in labels.iter().enumerate() {
            let head = self
                .allowed
                .iter()
                .find(|h| h.contains(&l))
                .map_or(&[][..], Vec::as_slice);
            for &c in head {
                m[i * classes + c as usize] = 0.0;
            }
        }
        Some(Tensor::from_data(
            TensorData::new(m, [labels.len(), classes]),
            device,
        ))
    }
}

/// `n` rows of `data` drawn uniformly with replacement.
fn sample(data: &Dataset, n: usize, rng: &mut StdRng) -> Dataset {
    let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..data.len())).collect();
    data.rows(&rows)
}

/// A run in progress.
pub struct ClRun {
    config: ClConfig,
    stream: Stream,
    compute: Compute,
    learner: Learner,
    rng: StdRng,
    /// Every task's test inputs in one tensor on the inference device, and the row spans.
    probe: Tensor<2>,
    spans: Vec<(usize, usize)>,
    heads: Heads,
    steps_per_segment: Vec<u32>,
    segment: usize,
    segment_step: u32,
    step: u32,
    iterations: Vec<u32>,
    curves: Vec<Vec<f64>>,
    ends: Vec<usize>,
    random_init: Vec<f64>,
}

fn tensors(batch: &Dataset, device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let x = Tensor::from_data(
        TensorData::new(batch.inputs.clone(), [batch.len(), batch.dim]),
        device,
    );
    let labels: Vec<i64> = batch.labels.iter().map(|&l| i64::from(l)).collect();
    let y = Tensor::from_data(TensorData::new(labels, [batch.len()]), device);
    (x, y)
}

fn concat_inputs(sets: &[&Dataset], device: &Device) -> (Tensor<2>, Vec<(usize, usize)>) {
    let (mut inputs, mut spans, mut rows) = (Vec::new(), Vec::new(), 0);
    for d in sets {
        inputs.extend_from_slice(&d.inputs);
        spans.push((rows, rows + d.len()));
        rows += d.len();
    }
    let dim = sets[0].dim;
    (
        Tensor::from_data(TensorData::new(inputs, [rows, dim]), device),
        spans,
    )
}

/// Index of the best score among `allowed` (all when `None`); `None` when no allowed class can
/// be predicted (every score −∞: a prototype learner that has seen none of them), so an
/// untrained learner is not credited with the accuracy of a tie-break.
fn best(row: &[f64], allowed: Option<&[u32]>) -> Option<usize> {
    let ok = |c: usize| allowed.is_none_or(|a| a.contains(&(c as u32)));
    (0..row.len())
        .filter(|&c| ok(c) && row[c] > f64::NEG_INFINITY)
        .max_by(|&a, &b| row[a].total_cmp(&row[b]))
}

impl ClRun {
    /// Builds the stream and the learner. `digits` is the parsed asset, needed for the digits
    /// dataset only.
    pub async fn new(config: &ClConfig, digits: Option<&Digits>) -> Result<Self> {
        config.validate()?;
        let (train, test) = config.dataset.generate(digits)?;
        let seed = u64::from(config.seed);
        let stream = config
            .scenario
            .scenario()
            .stream(&train, &test, seed)
            .map_err(|e| {
                if e.field().is_some_and(|f| f.starts_with("scenario")) {
                    e
                } else {
                    e.within("scenario")
                }
            })?;
        if stream.tasks.iter().any(|t| t.train.is_empty()) {
            return Err(Error::invalid("scenario", "a task has no training data"));
        }
        let compute = device::open(config.device).await?;
        let mut rng = StdRng::seed_from_u64(seed ^ 0xC0_17);
        let classes = train.classes;
        let heads = Heads::new(&stream, classes);
        let hidden: Vec<usize> = config.hidden.iter().map(|&w| w as usize).collect();
        let width = *hidden.last().unwrap_or(&1);
        // drawn on the CPU: the same seed gives the same network on every device
        let mlp = |outputs: usize| {
            let cfg = MlpConfig::new(train.dim, outputs).with_hidden(hidden.clone());
            crate::model::seeded_on_cpu(&compute.train, seed, |cpu| cfg.init(cpu))
        };
        let learner = match config.strategy {
            StrategyKind::Protonet => Learner::Proto(Box::new(Proto {
                model: mlp(width),
                optim: AdamConfig::new().init(),
                prototypes: Prototypes::new(classes, width, &compute.train),
            })),
            kind if kind.reads_once() => {
                let embed = match config.embedding {
                    Embedding::Raw => None,
                    Embedding::Frozen => Some(mlp(classes).valid()),
                    Embedding::Learned => {
                        let first = &stream.tasks[stream.order[0]];
                        let trained =
                            pretrain(mlp(classes), &first.train, config, &compute, &mut rng)?;
                        Some(trained.valid())
                    }
                };
                let mut train_sets = Vec::new();
                let mut test_sets = Vec::new();
                for t in &stream.tasks {
                    train_sets.push(embed_set(embed.as_ref(), &t.train, &compute.infer).await?);
                    test_sets.push(embed_set(embed.as_ref(), &t.test, &compute.infer).await?);
                }
                let dim = train_sets[0].dim;
                let learner: Box<dyn HostLearner> = match kind {
                    StrategyKind::Ncm => Box::new(NearestClassMean::new(dim, classes)),
                    StrategyKind::Slda => Box::new(StreamingLda::new(dim, classes)),
                    _ => Box::new(AnalyticHead::new(
                        config.features as usize,
                        classes,
                        config.ridge,
                        seed,
                    )),
                };
                Learner::Host(Box::new(Host {
                    learner,
                    embed,
                    train: train_sets,
                    test: test_sets,
                    order: Vec::new(),
                }))
            }
            kind => {
                let buffer = config.buffer_size as usize;
                let strategy: Box<dyn Strategy> = match kind {
                    StrategyKind::Joint => Box::new(Joint::new(&stream.tasks)),
                    StrategyKind::Replay => {
                        let memory: Box<dyn Memory> = match config.buffer_policy {
                            BufferPolicy::Reservoir => {
                                Box::new(Reservoir::new(buffer, train.dim, classes))
                            }
                            BufferPolicy::ClassBalanced => {
                                Box::new(ClassBalanced::new(buffer, train.dim, classes))
                            }
                        };
                        Box::new(Replay::new(memory))
                    }
                    StrategyKind::PowerLawReplay => Box::new(PowerLawReplay::new(
                        buffer,
                        stream.tasks.len(),
                        train.dim,
                        classes,
                        config.rehearsal_exponent,
                    )),
                    StrategyKind::L2 => Box::new(L2::new(config.lambda())),
                    StrategyKind::Ewc => Box::new(Ewc::new(config.lambda())),
                    StrategyKind::Lwf => Box::new(Lwf::new(config.lwf_alpha, config.temperature)),
                    _ => Box::new(Naive),
                };
                Learner::Net(Box::new(Net {
                    model: mlp(classes),
                    optim: AdamConfig::new().init(),
                    strategy,
                    teacher: None,
                }))
            }
        };
        let tests: Vec<&Dataset> = stream.tasks.iter().map(|t| &t.test).collect();
        let (probe, spans) = concat_inputs(&tests, &compute.infer);
        let batch = config.batch_size as usize;
        let steps_per_segment = stream
            .order
            .iter()
            .map(|&t| {
                if config.strategy.reads_once() {
                    stream.tasks[t].train.len().div_ceil(batch) as u32
                } else {
                    config.iterations_per_task
                }
            })
            .collect();
        let mut run = Self {
            config: config.clone(),
            curves: vec![Vec::new(); stream.tasks.len()],
            stream,
            compute,
            learner,
            rng,
            probe,
            spans,
            heads,
            steps_per_segment,
            segment: 0,
            segment_step: 0,
            step: 0,
            iterations: Vec::new(),
            ends: Vec::new(),
            random_init: Vec::new(),
        };
        run.random_init = run.evaluate().await?;
        for (curve, &a) in run.curves.iter_mut().zip(&run.random_init) {
            curve.push(a);
        }
        run.iterations.push(0);
        Ok(run)
    }

    pub fn total_steps(&self) -> u32 {
        self.steps_per_segment.iter().sum()
    }

    pub fn done(&self) -> bool {
        self.segment >= self.stream.order.len()
    }

    pub fn stream(&self) -> &Stream {
        &self.stream
    }

    /// Trains up to `steps` more steps (fewer at the end of the stream), evaluating as configured.
    pub async fn advance(&mut self, steps: u32) -> Result<()> {
        for _ in 0..steps {
            if self.done() {
                break;
            }
            if self.segment_step == 0 {
                self.start_segment();
            }
            self.train_step()?;
            self.step += 1;
            self.segment_step += 1;
            let segment_end = self.segment_step == self.steps_per_segment[self.segment];
            if self.step.is_multiple_of(self.config.eval_every) || segment_end {
                let acc = self.evaluate().await?;
                for (curve, a) in self.curves.iter_mut().zip(acc) {
                    curve.push(a);
                }
                self.iterations.push(self.step);
            }
            if segment_end {
                self.end_segment().await?;
                self.ends.push(self.iterations.len() - 1);
                self.segment += 1;
                self.segment_step = 0;
            }
        }
        Ok(())
    }

    fn current(&self) -> usize {
        self.stream.order[self.segment]
    }

    fn start_segment(&mut self) {
        let t = self.current();
        match &mut self.learner {
            Learner::Net(net) => net.strategy.start_task(&self.stream.tasks[t], t),
            Learner::Host(host) => {
                host.order = (0..host.train[t].len()).collect();
                host.order.shuffle(&mut self.rng);
            }
            Learner::Proto(_) => {}
        }
    }

    fn curves_classes(&self) -> usize {
        self.heads.classes
    }

    fn train_step(&mut self) -> Result<()> {
        let lr = self.config.learning_rate;
        let device = self.compute.train.clone();
        let ce = CrossEntropyLossConfig::new().init(&device);
        let t = self.current();
        let task = &self.stream.tasks[t].train;
        let n = self.config.batch_size as usize;
        match &mut self.learner {
            Learner::Host(host) => {
                let start = self.segment_step as usize * n;
                let end = (start + n).min(host.order.len());
                let batch = host.train[t].rows(&host.order[start..end]);
                host.learner.observe(&batch)
            }
            Learner::Proto(p) => {
                let batch = sample(task, n, &mut self.rng);
                let (x, y) = tensors(&batch, &device);
                let z = p.model.forward(x);
                let mut logits = p
                    .prototypes
                    .training_logits(z.clone(), &batch.labels, &device);
                if let Some(m) = self.heads.mask(&batch.labels, &device) {
                    logits = logits + m;
                }
                let loss = ce.forward(logits, y);
                let grads = GradientsParams::from_grads(loss.backward(), &p.model);
                p.model = p.optim.step(lr, p.model.clone(), grads);
                p.prototypes.update(z, &batch.labels, &device);
                Ok(())
            }
            Learner::Net(net) => {
                let batch = sample(task, n, &mut self.rng);
                let mut combined = if net.strategy.trains_on_current() {
                    batch.clone()
                } else {
                    batch.empty_like()
                };
                if let Some(memory) = net.strategy.rehearsal(&mut self.rng, n) {
                    combined.extend(&memory);
                }
                let (x, y) = tensors(&combined, &device);
                let logits = net.model.forward(x.clone());
                let needs = net.strategy.needs();
                let params = needs.params.then(|| flat_params(&net.model));
                let teacher = match (&net.teacher, needs.teacher) {
                    (Some(t), true) => Some(t.forward(x).detach()),
                    _ => None,
                };
                let penalty = net.strategy.penalty(&StepContext {
                    logits: &logits,
                    params: params.as_ref(),
                    teacher: teacher.as_ref(),
                    device: &device,
                });
                let masked = match self.heads.mask(&combined.labels, &device) {
                    Some(m) => logits + m,
                    None => logits,
                };
                let mut loss = ce.forward(masked, y);
                if let Some(p) = penalty {
                    loss = loss + p;
                }
                let grads = GradientsParams::from_grads(loss.backward(), &net.model);
                net.model = net.optim.step(lr, net.model.clone(), grads);
                net.strategy.observe(&batch, &mut self.rng);
                Ok(())
            }
        }
    }

    async fn end_segment(&mut self) -> Result<()> {
        let t = self.current();
        let fisher = match &self.learner {
            Learner::Net(net) if net.strategy.needs().fisher => Some(self.fisher(&net.model, t)),
            _ => None,
        };
        if let Learner::Net(net) = &mut self.learner {
            let params = flat_params(&net.model).detach();
            net.strategy.end_task(&TaskEnd {
                params: &params,
                fisher: fisher.as_ref(),
                task: &self.stream.tasks[t],
            });
            if net.strategy.needs().teacher {
                net.teacher = Some(net.model.clone());
            }
        }
        Ok(())
    }

    /// Mean squared gradient of the task's loss over up to [`FISHER_BATCHES`] minibatches.
    fn fisher(&self, model: &Mlp, t: usize) -> Tensor<1> {
        let data = &self.stream.tasks[t].train;
        let b = self.config.batch_size as usize;
        let batches = data.len().div_ceil(b).min(FISHER_BATCHES);
        let ce = CrossEntropyLossConfig::new().init(&self.compute.train);
        let mut sum: Option<Tensor<1>> = None;
        for k in 0..batches {
            let rows: Vec<usize> = (k * b..((k + 1) * b).min(data.len())).collect();
            let batch = data.rows(&rows);
            let (x, y) = tensors(&batch, &self.compute.train);
            let mut logits = model.forward(x);
            if let Some(m) = self.heads.mask(&batch.labels, &self.compute.train) {
                logits = logits + m;
            }
            let grads = ce.forward(logits, y).backward();
            let g = flat_grads(model, &grads).powi_scalar(2);
            sum = Some(match sum {
                Some(s) => s + g,
                None => g,
            });
        }
        sum.map_or_else(
            || flat_params(model).inner().zeros_like(),
            |s| s.div_scalar(batches as f64),
        )
    }

    /// Accuracy on every task's test subset now.
    async fn evaluate(&self) -> Result<Vec<f64>> {
        let classes = self.curves_classes();
        let scores: Vec<f64> = match &self.learner {
            Learner::Net(net) => {
                // sync point: one read-back per evaluation
                device::read_f32(net.model.valid().forward(self.probe.clone()), "logits")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Proto(p) => {
                let z = p.model.valid().forward(self.probe.clone());
                // sync point: one read-back per evaluation
                device::read_f32(p.prototypes.logits(z), "logits")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Host(host) => host
                .test
                .iter()
                .flat_map(|d| host.learner.scores(d))
                .collect(),
        };
        let labels = self.stream.tasks.iter().flat_map(|t| t.test.labels.iter());
        let correct: Vec<bool> = scores
            .chunks_exact(classes)
            .zip(labels)
            .enumerate()
            .map(|(i, (row, &label))| {
                let task = self.spans.iter().position(|&(a, b)| (a..b).contains(&i));
                let head = task.map(|t| self.heads.allowed[t].as_slice());
                best(row, head) == Some(label as usize)
            })
            .collect();
        Ok(self
            .spans
            .iter()
            .map(|&(a, b)| {
                correct[a..b].iter().filter(|&&c| c).count() as f64 / (b - a).max(1) as f64
            })
            .collect())
    }

    /// The run so far; metrics once done.
    pub fn result(&self) -> Result<ClResult> {
        let accuracy_matrix: Vec<Vec<f64>> = self
            .ends
            .iter()
            .map(|&e| self.curves.iter().map(|c| c[e]).collect())
            .collect();
        let metrics = if self.done() {
            Some(self.metrics(&accuracy_matrix)?)
        } else {
            None
        };
        Ok(ClResult {
            strategy: self.config.strategy,
            tasks: self.stream.tasks.iter().map(|t| t.name.clone()).collect(),
            order: self.stream.order.clone(),
            multi_head: self.stream.multi_head,
            accuracy_matrix,
            random_init: self.random_init.clone(),
            iterations: self.iterations.clone(),
            curves: self.curves.clone(),
            ends: self.ends.clone(),
            stability_gaps: self.stability_gaps(),
            device_info: self.compute.info.clone(),
            step: self.step,
            total_steps: self.total_steps(),
            done: self.done(),
            metrics,
        })
    }

    fn metrics(&self, r: &[Vec<f64>]) -> Result<Metrics> {
        let first = self.stream.first_seen();
        let m = metrics::boundary_metrics(r, &first, &self.random_init)?;
        let last = r.len() - 1;
        // continual evaluation: tasks whose first segment ended before the last one, in order
        let mut by_first: Vec<usize> = (0..first.len()).filter(|&j| first[j] < last).collect();
        by_first.sort_by_key(|&j| first[j]);
        let mut acc: Vec<Vec<f64>> = by_first.iter().map(|&j| self.curves[j].clone()).collect();
        let finished_ends: Vec<usize> = by_first.iter().map(|&j| self.ends[first[j]]).collect();
        // the newest task (first trained last) is the "current" one of WC-ACC
        let newest = (0..first.len()).max_by_key(|&j| first[j]).unwrap_or(0);
        acc.push(self.curves[newest].clone());
        let cc = ContinualCurves {
            acc,
            ends: finished_ends,
        };
        let now = self.iterations.len() - 1;
        let mean = |v: &[f64]| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        Ok(Metrics {
            average_accuracy: m.average_accuracy,
            forgetting: mean(&m.forgetting_max),
            forgetting_definition: Forgetting::Max,
            forgetting_since_learned: mean(&m.forgetting_since_learned),
            backward_transfer: m.backward_transfer,
            forward_transfer: m.forward_transfer,
            min_acc: cc.min_acc(now)?,
            wc_acc: cc.wc_acc(now, cc.acc.len() - 1)?,
            windowed_forgetting: ContinualCurves {
                acc: self.curves.clone(),
                ends: Vec::new(),
            }
            .windowed_forgetting(WINDOW)?
            .1,
        })
    }

    /// The stability gap of every task after its first segment, over the next segment so far.
    fn stability_gaps(&self) -> Vec<Option<StabilityGap>> {
        let first = self.stream.first_seen();
        let now = self.iterations.len() - 1;
        (0..first.len())
            .map(|j| {
                let end = *self.ends.get(first[j])?;
                let next_end = self.ends.get(first[j] + 1).copied().unwrap_or(now);
                let window = next_end.checked_sub(end).filter(|&w| w > 0)?;
                metrics::stability_gap(&self.curves[j], end, window).ok()
            })
            .collect()
    }

    /// The predicted class on a `resolution × resolution` grid over the data (2-D datasets only;
    /// `None` otherwise), with every task's test points.
    pub async fn boundary(&self, resolution: usize) -> Result<Option<Boundary>> {
        let tasks = &self.stream.tasks;
        if tasks[0].test.dim != 2 {
            return Ok(None);
        }
        check_range("resolution", resolution as u32, 2, 256)?;
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        let (mut points, mut labels, mut task_of) = (Vec::new(), Vec::new(), Vec::new());
        for (j, t) in tasks.iter().enumerate() {
            for d in [&t.train, &t.test] {
                for p in d.inputs.chunks_exact(2) {
                    (x0, x1, y0, y1) = (x0.min(p[0]), x1.max(p[0]), y0.min(p[1]), y1.max(p[1]));
                }
            }
            points.extend_from_slice(&t.test.inputs);
            labels.extend_from_slice(&t.test.labels);
            task_of.extend(std::iter::repeat_n(j as u32, t.test.len()));
        }
        let (px, py) = ((x1 - x0) * 0.1, (y1 - y0) * 0.1);
        let extent = [x0 - px, x1 + px, y0 - py, y1 + py];
        let mut grid = Vec::with_capacity(resolution * resolution * 2);
        for r in 0..resolution {
            for c in 0..resolution {
                let fx = (c as f32 + 0.5) / resolution as f32;
                let fy = (r as f32 + 0.5) / resolution as f32;
                grid.push(extent[0] + fx * (extent[1] - extent[0]));
                grid.push(extent[2] + fy * (extent[3] - extent[2]));
            }
        }
        let classes = self.curves_classes();
        let n = resolution * resolution;
        let grid_set = Dataset {
            inputs: grid,
            labels: vec![0; n],
            dim: 2,
            classes,
            image: None,
        };
        let infer = &self.compute.infer;
        let scores: Vec<f64> = match &self.learner {
            Learner::Net(net) => {
                let (x, _) = tensors(&grid_set, infer);
                device::read_f32(net.model.valid().forward(x), "boundary")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Proto(p) => {
                let (x, _) = tensors(&grid_set, infer);
                let z = p.model.valid().forward(x);
                device::read_f32(p.prototypes.logits(z), "boundary")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Host(host) => {
                let seen = embed_set(host.embed.as_ref(), &grid_set, infer).await?;
                host.learner.scores(&seen)
            }
        };
        let classes_out = scores
            .chunks_exact(classes)
            .map(|row| best(row, None).unwrap_or(0) as u32)
            .collect();
        Ok(Some(Boundary {
            resolution,
            extent,
            classes: classes_out,
            points,
            labels,
            task_of,
        }))
    }

    /// Forgets class `c` exactly, as if it had never been trained on (the analytic head; other
    /// learners refuse), and evaluates every task again at the same step.
    pub async fn unlearn(&mut self, c: u32) -> Result<()> {
        let Learner::Host(host) = &mut self.learner else {
            return Err(Error::invalid(
                "strategy",
                format!(
                    "{} cannot unlearn a class; the analytic head can",
                    self.config.strategy.name()
                ),
            ));
        };
        host.learner.unlearn(c as usize)?;
        let acc = self.evaluate().await?;
        for (curve, a) in self.curves.iter_mut().zip(acc) {
            curve.push(a);
        }
        self.iterations.push(self.step);
        Ok(())
    }
}

/// Trains a classifier on one task (the "learned" embedding) for `iterationsPerTask` steps.
fn pretrain(
    mut model: Mlp,
    data: &Dataset,
    config: &ClConfig,
    compute: &Compute,
    rng: &mut StdRng,
) -> Result<Mlp> {
    let mut optim = AdamConfig::new().init();
    let ce = CrossEntropyLossConfig::new().init(&compute.train);
    for _ in 0..config.iterations_per_task {
        let batch = sample(data, config.batch_size as usize, rng);
        let (x, y) = tensors(&batch, &compute.train);
        let loss = ce.forward(model.forward(x), y);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(config.learning_rate, model, grads);
    }
    Ok(model)
}

/// `data` as a host learner sees it: raw, or through the embedding network.
async fn embed_set(embed: Option<&Mlp>, data: &Dataset, device: &Device) -> Result<Dataset> {
    let Some(net) = embed else {
        return Ok(data.clone());
    };
    if data.is_empty() {
        return Ok(data.empty_like());
    }
    let (x, _) = tensors(data, device);
    let z = net.embed(x);
    let width = z.dims()[1];
    // sync point: once per dataset when the learner is built
    let inputs = device::read_f32(z, "embedding").await?;
    Ok(Dataset {
        inputs,
        labels: data.labels.clone(),
        dim: width,
        classes: data.classes,
        image: None,
    })
}

/// Runs the whole stream.
pub async fn run(config: &ClConfig, digits: Option<&Digits>) -> Result<ClResult> {
    let mut run = ClRun::new(config, digits).await?;
    let total = run.total_steps();
    run.advance(total).await?;
    run.result()
}
