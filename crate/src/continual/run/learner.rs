//! The three families of learners a run can train, and how each is built: networks with a
//! strategy, the prototypical network, and host learners (on raw inputs or an embedding).

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;

use super::config::{ClConfig, Embedding};
use super::{sample, tensors};
use crate::Result;
use crate::continual::data::Dataset;
use crate::continual::learners::{HostLearner, Prototypes};
use crate::continual::scenarios::Stream;
use crate::continual::strategies::{Recipe, Shape, Strategy};
use crate::device::{self, Compute};
use crate::model::mlp::{Mlp, MlpConfig};
use crate::pace::Pace;

/// Logit added to the classes outside an example's task when the stream is multi-head.
const OTHER_HEAD: f32 = -1e9;

pub(super) struct Net {
    pub(super) model: Mlp,
    pub(super) optim: ModuleOptimizer,
    pub(super) strategy: Box<dyn Strategy>,
    pub(super) teacher: Option<Mlp>,
}

pub(super) struct Proto {
    pub(super) model: Mlp,
    pub(super) optim: ModuleOptimizer,
    pub(super) prototypes: Prototypes,
}

pub(super) struct Host {
    pub(super) learner: Box<dyn HostLearner>,
    /// Embedding network (inference device), unless raw.
    pub(super) embed: Option<Mlp>,
    /// Each task's data as the learner sees it.
    pub(super) train: Vec<Dataset>,
    pub(super) test: Vec<Dataset>,
    /// The current segment's reading order.
    pub(super) order: Vec<usize>,
}

pub(super) enum Learner {
    Net(Box<Net>),
    Proto(Box<Proto>),
    Host(Box<Host>),
}

/// Which classes each task may predict: all of them, or (multi-head) the task's own.
pub(super) struct Heads {
    pub(super) multi_head: bool,
    /// Per task.
    pub(super) allowed: Vec<Vec<u32>>,
    pub(super) classes: usize,
}

impl Heads {
    pub(super) fn new(stream: &Stream, classes: usize) -> Self {
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
    pub(super) fn mask(&self, labels: &[u32], device: &Device) -> Option<Tensor<2>> {
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

/// The learner `config.strategy` names, for `stream` (whose train data has `dim` features and
/// `classes` classes); MLPs are drawn on the CPU, so one seed gives one network on every device.
pub(super) async fn build(
    config: &ClConfig,
    stream: &Stream,
    (dim, classes): (usize, usize),
    compute: &Compute,
    rng: &mut StdRng,
) -> Result<Learner> {
    let seed = u64::from(config.seed);
    let hidden: Vec<usize> = config.hidden.iter().map(|&w| w as usize).collect();
    let width = *hidden.last().unwrap_or(&1);
    let mlp = |outputs: usize| {
        let cfg = MlpConfig::new(dim, outputs).with_hidden(hidden.clone());
        crate::model::seeded_on_cpu(&compute.train, seed, |cpu| cfg.init(cpu))
    };
    let classifier = |strategy: Box<dyn Strategy>| {
        Learner::Net(Box::new(Net {
            model: mlp(classes),
            optim: AdamConfig::new().init(),
            strategy,
            teacher: None,
        }))
    };
    let host = async |make: Box<dyn Fn(usize) -> Box<dyn HostLearner>>, rng: &mut StdRng| {
        let embed = match config.embedding {
            Embedding::Raw => None,
            Embedding::Frozen => Some(mlp(classes).valid()),
            Embedding::Learned => {
                let first = &stream.tasks[stream.order[0]];
                let trained = pretrain(
                    mlp(classes),
                    &first.train,
                    config,
                    compute,
                    rng,
                    &mut Pace::free(),
                )
                .await?;
                Some(trained.valid())
            }
        };
        let mut train_sets = Vec::new();
        let mut test_sets = Vec::new();
        for t in &stream.tasks {
            train_sets.push(embed_set(embed.as_ref(), &t.train, &compute.infer).await?);
            test_sets.push(embed_set(embed.as_ref(), &t.test, &compute.infer).await?);
        }
        let learner = make(train_sets[0].dim);
        Ok::<_, crate::Error>(Learner::Host(Box::new(Host {
            learner,
            embed,
            train: train_sets,
            test: test_sets,
            order: Vec::new(),
        })))
    };
    let shape = Shape { dim, classes };
    Ok(match config.strategy.recipe(config, stream, shape) {
        Recipe::Net(strategy) => classifier(strategy),
        Recipe::Protonet => Learner::Proto(Box::new(Proto {
            model: mlp(width),
            optim: AdamConfig::new().init(),
            prototypes: Prototypes::new(classes, width, &compute.train),
        })),
        Recipe::Host(make) => host(make, rng).await?,
    })
}

/// Trains a classifier on one task (the "learned" embedding; a federated client's round) for
/// `iterationsPerTask` steps, with a fresh Adam; `pace` may stop it or give way between steps.
pub(super) async fn pretrain(
    mut model: Mlp,
    data: &Dataset,
    config: &ClConfig,
    compute: &Compute,
    rng: &mut StdRng,
    pace: &mut Pace,
) -> Result<Mlp> {
    let mut optim = AdamConfig::new().init();
    let ce = CrossEntropyLossConfig::new().init(&compute.train);
    for _ in 0..config.iterations_per_task {
        pace.tick().await?;
        let batch = sample(data, config.batch_size as usize, rng);
        let (x, y) = tensors(&batch, &compute.train);
        let loss = ce.forward(model.forward(x), y);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(config.learning_rate, model, grads);
    }
    Ok(model)
}

/// `data` as a host learner sees it: raw, or through the embedding network.
pub(super) async fn embed_set(
    embed: Option<&Mlp>,
    data: &Dataset,
    device: &Device,
) -> Result<Dataset> {
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
