//! One continual-learning run, steppable: a dataset cut into tasks by a scenario, a learner
//! trained on the stream segment by segment, and every task's test subset evaluated every
//! `evalEvery` steps (continual evaluation, De Lange et al. 2023) — from which the accuracy
//! matrix and every metric of [`super::metrics`] follow. [`ClRun::advance`] trains a few steps at
//! a time so the browser can draw as it goes; [`run`] does the whole stream. Seeded: same config,
//! same numbers.
//!
//! Learners come in three families that share the stream, the evaluation and the metrics:
//! - networks trained by gradient steps with a [`Strategy`](super::strategies::Strategy) (naive, joint, replay, power-law
//!   replay, L2, EWC, LwF) — `iterationsPerTask` steps of `batchSize` examples per segment;
//! - the prototypical network (gradient steps on a distance-based loss, online prototypes);
//! - host learners (NCM, streaming LDA, analytic head) that read each segment's training data
//!   once, in shuffled batches of `batchSize`, on raw inputs or an embedding.

pub mod classroom;
mod config;
mod evaluate;
mod fedavg;
pub mod federated;
pub mod file;
mod fisher;
mod learner;
mod merging;
mod plasticity;
pub mod query;
mod report;
mod share;

use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::data::Dataset;
use super::digits::Digits;
use super::scenarios::Stream;
use super::strategies::{StepContext, StepUpdate, TaskEnd, flat_grads, flat_params};
use crate::device::{self, Compute};
use crate::pace::Pace;
use crate::schema::Field;
use crate::{Error, Result};
use evaluate::finite_outputs;
use fisher::{fisher, fisher_batches};
use learner::{Heads, Learner};
use plasticity::{perturb, unit_stats};

pub use config::{BufferPolicy, ClConfig, DataConfig, Embedding, StrategyKind, fields};

/// Steps one `advance` call may run.
pub const ADVANCE_STEPS: Field = Field::int("steps", 1, 1_000_000);
/// Grid points per side of a decision-boundary picture.
pub const BOUNDARY_RESOLUTION: Field = Field::int("resolution", 2, 256);
/// The class `unlearn` may forget (labels are below 256).
pub const UNLEARN_CLASS: Field = Field::int("class", 0, 255);
pub use report::{Boundary, ClResult, Metrics};

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
    test_inputs: Tensor<2>,
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
    /// Accuracy on each class's test examples at the latest evaluation.
    class_accuracy: Vec<f64>,
    /// A network's plasticity measures at the end of each segment (networks only).
    plasticity: Vec<crate::continual::plasticity::PlasticityPoint>,
    /// Set when the network's outputs went non-finite: the run stops there for good.
    diverged: Option<(u32, f64)>,
    /// Classes unlearned after the stream, in order.
    unlearned: Vec<u32>,
    /// Loaded from a learner file ([`file`]): reported and asked, not trained further.
    loaded: bool,
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
        // the data are drawn; what the model, its evaluations and curves need is known now
        config.check_memory(&crate::continual::memory::StreamShape::of(
            &stream,
            train.dim,
            train.classes,
        ))?;
        let compute = device::open(config.device).await?;
        let mut rng = StdRng::seed_from_u64(seed ^ 0xC0_17);
        let classes = train.classes;
        let heads = Heads::new(&stream, classes);
        let learner =
            learner::build(config, &stream, (train.dim, classes), &compute, &mut rng).await?;
        let tests: Vec<&Dataset> = stream.tasks.iter().map(|t| &t.test).collect();
        let (test_inputs, spans) = concat_inputs(&tests, &compute.infer);
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
            test_inputs,
            spans,
            heads,
            steps_per_segment,
            segment: 0,
            segment_step: 0,
            step: 0,
            iterations: Vec::new(),
            ends: Vec::new(),
            random_init: Vec::new(),
            class_accuracy: Vec::new(),
            plasticity: Vec::new(),
            diverged: None,
            unlearned: Vec::new(),
            loaded: false,
        };
        (run.random_init, run.class_accuracy) = run.evaluate().await?;
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
        self.advance_paced(steps, &mut Pace::free()).await
    }

    /// [`Self::advance`], giving way to `pace` after each step; a cancelled call keeps the
    /// steps it ran.
    pub async fn advance_paced(&mut self, steps: u32, pace: &mut Pace) -> Result<()> {
        ADVANCE_STEPS.check_u32(steps)?;
        self.compute.ensure_alive()?;
        if self.loaded && !self.done() {
            return Err(Error::invalid(
                "steps",
                "a loaded learner is not trained further: its strategy's state (a replay memory, \
                 EWC's anchors, the optimizer's moments) is not in the file",
            ));
        }
        if let Some((step, value)) = self.diverged {
            return finite_outputs(step, &[value]);
        }
        for _ in 0..steps {
            if self.done() {
                break;
            }
            if self.segment_step == 0 {
                self.start_segment();
            }
            self.train_step().await?;
            self.step += 1;
            self.segment_step += 1;
            let segment_end = self.segment_step == self.steps_per_segment[self.segment];
            if self.step.is_multiple_of(self.config.eval_every) || segment_end {
                let (acc, classes) = match self.evaluate().await {
                    Err(Error::Diverged { step, value, .. }) => {
                        self.diverged = Some((step, value));
                        return finite_outputs(step, &[value]);
                    }
                    other => other?,
                };
                self.class_accuracy = classes;
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
            pace.tick().await?;
        }
        Ok(())
    }

    fn current(&self) -> usize {
        self.stream.order[self.segment]
    }

    /// Each segment starts with fresh Adam moments, as Avalanche resets the optimizer for every
    /// experience. Carried over, the second moments of the previous task's last steps, where the
    /// loss was near 0, are tiny, so the first steps on a new task move every weight by up to
    /// ~30× the learning rate: that killed the ReLUs of the default MLP on split digits, whose
    /// later tasks then never rose above predicting one class (0.5).
    fn start_segment(&mut self) {
        let t = self.current();
        match &mut self.learner {
            Learner::Net(net) => {
                net.optim = AdamConfig::new().init();
                net.strategy.start_task(&self.stream.tasks[t], t);
            }
            Learner::Host(host) => {
                host.order = (0..host.train[t].len()).collect();
                host.order.shuffle(&mut self.rng);
            }
            Learner::Proto(p) => p.optim = AdamConfig::new().init(),
        }
    }

    fn curves_classes(&self) -> usize {
        self.heads.classes
    }

    async fn train_step(&mut self) -> Result<()> {
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
                let needs = net.strategy.needs();
                let (logits, hidden) = if needs.units {
                    net.model.forward_hidden(x.clone())
                } else {
                    (net.model.forward(x.clone()), Vec::new())
                };
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
                // The parameters before the step: the ones flattened for the penalty, if any.
                let before = needs.updates.then(|| {
                    params
                        .as_ref()
                        .map_or_else(|| flat_params(&net.model), Clone::clone)
                        .inner()
                });
                let gradients = loss.backward();
                let grad = needs.updates.then(|| flat_grads(&net.model, &gradients));
                let grads = GradientsParams::from_grads(gradients, &net.model);
                net.model = net.optim.step(lr, net.model.clone(), grads);
                if let (Some(before), Some(grad)) = (before, grad) {
                    let after = flat_params(&net.model).inner();
                    net.strategy.after_step(&StepUpdate {
                        grad: &grad,
                        before: &before,
                        after: &after,
                    });
                }
                if let Some(std) = net.strategy.perturbation() {
                    net.model = perturb(net.model.clone(), std, &mut self.rng);
                }
                if needs.units {
                    let layers = unit_stats(&net.model, hidden).await?;
                    let replace = net.strategy.replace_units(&layers, &mut self.rng);
                    if replace.iter().any(|r| !r.is_empty()) {
                        let rng = &mut self.rng;
                        net.model = net
                            .model
                            .clone()
                            .reinit_units(&replace, &mut || rng.random());
                    }
                }
                net.strategy.observe(&batch, &mut self.rng);
                Ok(())
            }
        }
    }

    async fn end_segment(&mut self) -> Result<()> {
        let t = self.current();
        self.measure_plasticity(t).await?;
        let fisher = match &self.learner {
            Learner::Net(net) if net.strategy.needs().fisher => {
                let data = &self.stream.tasks[t].train;
                let batches = fisher_batches(data, self.config.batch_size as usize, &mut self.rng);
                Some(fisher(
                    &net.model,
                    batches,
                    &self.heads,
                    &self.compute.train,
                ))
            }
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
}

/// Runs the whole stream.
pub async fn run(config: &ClConfig, digits: Option<&Digits>) -> Result<ClResult> {
    run_paced(config, digits, &mut Pace::free()).await
}

/// [`run`], giving way to `pace` after each step.
pub async fn run_paced(
    config: &ClConfig,
    digits: Option<&Digits>,
    pace: &mut Pace,
) -> Result<ClResult> {
    let mut run = ClRun::new(config, digits).await?;
    let total = run.total_steps();
    run.advance_paced(total, pace).await?;
    run.result()
}
