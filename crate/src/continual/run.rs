//! One continual-learning run: a 2-D dataset cut into a class-incremental stream, an MLP trained
//! on it task by task with a strategy, and every task's test subset evaluated every `evalEvery`
//! iterations (continual evaluation, De Lange et al. 2023) — from which the accuracy matrix and
//! every metric of [`super::metrics`] follow. Seeded: same config, same numbers.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::data::Dataset;
use super::metrics::{self, ContinualCurves, Forgetting};
use super::scenarios::{ClassIncremental, Scenario, Task};
use super::strategies::{Naive, Replay, Strategy};
use super::two_d::TwoDConfig;
use crate::config::{check_learning_rate, check_range};
use crate::device::{self, DeviceChoice};
use crate::model::mlp::{Mlp, MlpConfig};
use crate::{Error, Result};

/// Which strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    #[default]
    Naive,
    Replay,
}

/// A run's settings (JS and CLI schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClConfig {
    /// The data: a 2-D generator. Default: 6 blobs.
    pub dataset: TwoDConfig,
    /// Classes per task of the class-incremental stream. Default: 2.
    pub classes_per_task: u32,
    pub strategy: StrategyKind,
    /// Replay memory (examples). Default: 200.
    pub buffer_size: u32,
    /// Hidden widths of the MLP. Default: [64, 64].
    pub hidden: Vec<u32>,
    /// Adam learning rate. Default: 5e-3, fast enough for 2-D tasks in a few hundred steps.
    pub learning_rate: f64,
    /// Examples of the current task per step (replay adds as many from memory). Default: 32.
    pub batch_size: u32,
    /// Steps per task. Default: 200.
    pub iterations_per_task: u32,
    /// Evaluate every task every this many steps (1 = per iteration). Default: 5.
    pub eval_every: u32,
    /// Default: `cpu` — these models are tiny, and a GPU round trip per evaluation costs more
    /// than the arithmetic.
    pub device: DeviceChoice,
    /// Seeds the data, the weights and the batches.
    pub seed: u32,
}

impl Default for ClConfig {
    fn default() -> Self {
        Self {
            dataset: TwoDConfig {
                classes: 6,
                ..TwoDConfig::default()
            },
            classes_per_task: 2,
            strategy: StrategyKind::Naive,
            buffer_size: 200,
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

impl ClConfig {
    /// Parses JSON text (CLI `--config`, the JS bindings) and validates it.
    pub fn from_json(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: Self = crate::error::deserialize_config(&mut de)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        self.dataset.validate().map_err(|e| e.within("dataset"))?;
        check_range("bufferSize", self.buffer_size, 0, 100_000)?;
        check_range("batchSize", self.batch_size, 1, 4096)?;
        check_range("iterationsPerTask", self.iterations_per_task, 1, 1_000_000)?;
        check_range("evalEvery", self.eval_every, 1, 1_000_000)?;
        if self.hidden.is_empty() || self.hidden.len() > 8 {
            return Err(Error::invalid("hidden", "needs 1 to 8 layer widths"));
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            check_range(&format!("hidden[{i}]"), w, 1, 4096)?;
        }
        check_learning_rate(self.learning_rate)
    }
}

/// Everything a run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClResult {
    pub strategy: StrategyKind,
    pub tasks: Vec<String>,
    /// `R[i][j]`: accuracy on task j's test subset after training on task i.
    pub accuracy_matrix: Vec<Vec<f64>>,
    /// Accuracy on each task before any training (for FWT).
    pub random_init: Vec<f64>,
    /// Training steps done at each evaluation point (0 = before training).
    pub iterations: Vec<u32>,
    /// `curves[j][t]`: accuracy on task j at evaluation point t.
    pub curves: Vec<Vec<f64>>,
    /// Evaluation point at which each task's training ended.
    pub ends: Vec<usize>,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub average_accuracy: f64,
    /// Mean forgetting under [`Forgetting::Max`] (Chaudhry et al.).
    pub forgetting: f64,
    pub forgetting_definition: Forgetting,
    pub backward_transfer: f64,
    pub forward_transfer: f64,
    /// min-ACC at the end of the stream (finished tasks: all but the last).
    pub min_acc: Option<f64>,
    /// WC-ACC at the end of the stream.
    pub wc_acc: f64,
    /// Windowed forgetting over 10 evaluation points, mean over tasks.
    pub windowed_forgetting: f64,
}

/// The test subsets of every task as one tensor (one forward, one read-back per evaluation).
struct Probe {
    inputs: Tensor<2>,
    labels: Vec<u32>,
    /// Row ranges per task.
    spans: Vec<(usize, usize)>,
    classes: usize,
}

impl Probe {
    fn new(tasks: &[Task], device: &Device) -> Self {
        let (mut inputs, mut labels, mut spans) = (Vec::new(), Vec::new(), Vec::new());
        for t in tasks {
            let start = labels.len();
            inputs.extend_from_slice(&t.test.inputs);
            labels.extend_from_slice(&t.test.labels);
            spans.push((start, labels.len()));
        }
        let dim = tasks[0].test.dim;
        Self {
            inputs: Tensor::from_data(TensorData::new(inputs, [labels.len(), dim]), device),
            labels,
            spans,
            classes: tasks[0].test.classes,
        }
    }

    async fn accuracies(&self, model: &Mlp) -> Result<Vec<f64>> {
        // sync point: one read-back per evaluation
        let logits = device::read_f32(model.forward(self.inputs.clone()), "logits").await?;
        let correct: Vec<bool> = logits
            .chunks_exact(self.classes)
            .zip(&self.labels)
            .map(|(row, &label)| {
                let best = (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b]));
                best == Some(label as usize)
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
}

fn batch_tensors(batch: &Dataset, device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let x = Tensor::from_data(
        TensorData::new(batch.inputs.clone(), [batch.len(), batch.dim]),
        device,
    );
    let labels: Vec<i64> = batch.labels.iter().map(|&l| i64::from(l)).collect();
    let y = Tensor::from_data(TensorData::new(labels, [batch.len()]), device);
    (x, y)
}

/// Runs the whole stream.
pub async fn run(config: &ClConfig) -> Result<ClResult> {
    config.validate()?;
    let train = config.dataset.generate()?;
    let test = TwoDConfig {
        seed: config.dataset.seed.wrapping_add(0x5EED),
        ..config.dataset.clone()
    }
    .generate()?;
    let scenario = ClassIncremental {
        classes_per_task: config.classes_per_task as usize,
    };
    let tasks = scenario.tasks(&train, &test)?;
    let compute = device::open(config.device).await?;
    let mlp = MlpConfig::new(train.dim, train.classes)
        .with_hidden(config.hidden.iter().map(|&w| w as usize).collect());
    let mut model = crate::model::seeded(&compute.train, u64::from(config.seed), || {
        mlp.init(&compute.train)
    });
    let mut optim = AdamConfig::new().init();
    let loss_fn = CrossEntropyLossConfig::new().init(&compute.train);
    let mut strategy: Box<dyn Strategy> = match config.strategy {
        StrategyKind::Naive => Box::new(Naive),
        StrategyKind::Replay => Box::new(Replay::new(
            config.buffer_size as usize,
            train.dim,
            train.classes,
        )),
    };
    let mut rng = StdRng::seed_from_u64(u64::from(config.seed) ^ 0xC0_17);
    let probe = Probe::new(&tasks, &compute.infer);
    let random_init = probe.accuracies(&model.valid()).await?;
    let mut iterations = vec![0u32];
    let mut curves: Vec<Vec<f64>> = random_init.iter().map(|&a| vec![a]).collect();
    let mut ends = Vec::new();
    let mut step = 0u32;
    let batch_size = config.batch_size as usize;
    for task in &tasks {
        for i in 0..config.iterations_per_task {
            let rows: Vec<usize> = (0..batch_size)
                .map(|_| rng.random_range(0..task.train.len()))
                .collect();
            let batch = task.train.rows(&rows);
            let mut combined = batch.clone();
            if let Some(memory) = strategy.rehearsal(&mut rng, batch_size) {
                combined.inputs.extend_from_slice(&memory.inputs);
                combined.labels.extend_from_slice(&memory.labels);
            }
            let (x, y) = batch_tensors(&combined, &compute.train);
            let loss = loss_fn.forward(model.forward(x), y);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(config.learning_rate, model, grads);
            strategy.observe(&batch, &mut rng);
            step += 1;
            let last = i + 1 == config.iterations_per_task;
            if step.is_multiple_of(config.eval_every) || last {
                let acc = probe.accuracies(&model.valid()).await?;
                for (curve, a) in curves.iter_mut().zip(acc) {
                    curve.push(a);
                }
                iterations.push(step);
            }
        }
        ends.push(iterations.len() - 1);
    }
    let accuracy_matrix: Vec<Vec<f64>> = ends
        .iter()
        .map(|&e| curves.iter().map(|c| c[e]).collect())
        .collect();
    let cc = ContinualCurves {
        acc: curves.clone(),
        // the last task's end is the end of the stream: only earlier ones are "finished"
        ends: ends[..ends.len() - 1].to_vec(),
    };
    let now = iterations.len() - 1;
    let metrics = Metrics {
        average_accuracy: metrics::average_accuracy(&accuracy_matrix)?,
        forgetting: metrics::forgetting(&accuracy_matrix, Forgetting::Max)?,
        forgetting_definition: Forgetting::Max,
        backward_transfer: metrics::backward_transfer(&accuracy_matrix)?,
        forward_transfer: metrics::forward_transfer(&accuracy_matrix, &random_init)?,
        min_acc: cc.min_acc(now)?,
        wc_acc: cc.wc_acc(now, tasks.len() - 1)?,
        windowed_forgetting: cc.windowed_forgetting(10)?.1,
    };
    Ok(ClResult {
        strategy: config.strategy,
        tasks: tasks.iter().map(|t| t.name.clone()).collect(),
        accuracy_matrix,
        random_init,
        iterations,
        curves,
        ends,
        metrics,
    })
}
