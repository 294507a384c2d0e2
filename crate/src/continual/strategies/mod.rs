//! Continual-learning strategies for networks trained by gradient descent (Avalanche's names),
//! one file each. A strategy sees the stream only through [`Strategy`]'s hooks and tensors —
//! the batch's logits, the parameters flattened into one vector, a frozen copy's logits — and
//! never the backbone's type, so the same strategy trains an MLP or any other module.
//!
//! Prototype and analytic learners, which are not trained by gradient steps on a classifier, live
//! in [`crate::continual::learners`].
//!
//! [`strategies!`] below is the registry of everything a run's `strategy` can name, learners
//! included: each entry's config name, title, settings (which the catalog lists, so the page
//! builds a control for each) and how it is built. A new strategy is its file, one entry here
//! and, for a new hyperparameter, that field in `ClConfig`.

pub mod class_balanced;
pub mod ewc;
pub mod joint;
pub mod l2;
pub mod lwf;
pub mod naive;
pub mod power_law;
pub mod replay;
pub mod reservoir;
pub mod si;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::Gradients;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::data::Dataset;
use super::learners::{AnalyticHead, HostLearner, NearestClassMean, StreamingLda};
use super::run::{BufferPolicy, ClConfig, Embedding, fields};
use super::scenarios::{Stream, Task};
use crate::schema::{Field, serde_name};

pub use class_balanced::ClassBalanced;
pub use ewc::Ewc;
pub use joint::Joint;
pub use l2::L2;
pub use lwf::Lwf;
pub use naive::Naive;
pub use power_law::PowerLawReplay;
pub use replay::{Memory, Replay};
pub use reservoir::Reservoir;
pub use si::Si;

/// What a strategy needs the training loop to compute for it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The parameters as one vector at every step ([`StepContext::params`]).
    pub params: bool,
    /// Logits of the model as it was at the end of the previous task ([`StepContext::teacher`]).
    pub teacher: bool,
    /// The diagonal empirical Fisher at the end of each task ([`TaskEnd::fisher`]).
    pub fisher: bool,
    /// Each step's gradient and parameter change ([`Strategy::after_step`]).
    pub updates: bool,
}

/// One optimizer step, as [`Strategy::after_step`] sees it (if [`Needs::updates`]): flattened
/// in [`flat_params`] order, constant, on the inner (non-autodiff) device.
pub struct StepUpdate<'a> {
    /// The gradient of the step's loss (penalty included), at the parameters before the step.
    pub grad: &'a Tensor<1>,
    pub before: &'a Tensor<1>,
    pub after: &'a Tensor<1>,
}

/// What a strategy may use to add a loss term at one step.
pub struct StepContext<'a> {
    /// Logits of the model being trained on the whole batch (current + rehearsed), with grad.
    pub logits: &'a Tensor<2>,
    /// Every parameter flattened into one vector, with grad (if [`Needs::params`]).
    pub params: Option<&'a Tensor<1>>,
    /// The previous task's model's logits on the same batch, constant (if [`Needs::teacher`]).
    pub teacher: Option<&'a Tensor<2>>,
    pub device: &'a Device,
}

/// What a strategy learns when a task ends.
pub struct TaskEnd<'a> {
    /// The parameters now, flattened, constant.
    pub params: &'a Tensor<1>,
    /// Mean squared gradient of the loss over minibatches of the task (if [`Needs::fisher`]).
    pub fisher: Option<&'a Tensor<1>>,
    pub task: &'a Task,
}

pub trait Strategy {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    /// Called when a segment of training on `task` starts; `index` is the task's index in the
    /// stream's task list (a task that comes back passes the same index again), not the segment's.
    fn start_task(&mut self, _task: &Task, _index: usize) {}

    /// Whether the current task's batch is part of the step (Joint replaces it).
    fn trains_on_current(&self) -> bool {
        true
    }

    /// Up to `n` stored examples to train on next to the current batch; `None` for none.
    fn rehearsal(&mut self, _rng: &mut StdRng, _n: usize) -> Option<Dataset> {
        None
    }

    /// An extra loss term for this step.
    fn penalty(&self, _ctx: &StepContext) -> Option<Tensor<1>> {
        None
    }

    /// Called with every batch of the current task after the step.
    fn observe(&mut self, _batch: &Dataset, _rng: &mut StdRng) {}

    /// Called after every optimizer step with what the step did (if [`Needs::updates`]).
    fn after_step(&mut self, _update: &StepUpdate) {}

    /// Called when training on a task ends.
    fn end_task(&mut self, _end: &TaskEnd) {}
}

struct Flatten(Vec<Tensor<1>>);

impl ModuleVisitor for Flatten {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push(param.val().flatten::<1>(0, D - 1));
    }
}

/// Every float parameter of `module`, flattened and concatenated in visiting order.
pub fn flat_params<M: Module>(module: &M) -> Tensor<1> {
    let mut f = Flatten(Vec::new());
    module.visit(&mut f);
    Tensor::cat(f.0, 0)
}

struct FlattenGrads<'a>(&'a Gradients, Vec<Tensor<1>>);

impl ModuleVisitor for FlattenGrads<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let grad = value
            .grad(self.0)
            .unwrap_or_else(|| value.clone().inner().zeros_like());
        self.1.push(grad.flatten::<1>(0, D - 1));
    }
}

/// The gradient of every float parameter of `module` in [`flat_params`] order (zeros where a
/// parameter got none), on the inner (non-autodiff) device.
pub fn flat_grads<M: Module>(module: &M, grads: &Gradients) -> Tensor<1> {
    let mut f = FlattenGrads(grads, Vec::new());
    module.visit(&mut f);
    Tensor::cat(f.1, 0)
}

/// How a learner is built and trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// An MLP trained by gradient steps, with a [`Strategy`]'s hooks.
    Net,
    /// The prototypical network: an MLP trained by gradient steps, classifying by prototypes.
    Protonet,
    /// A host learner ([`HostLearner`]) reading each segment once, on raw inputs or an embedding.
    Host,
}

/// A learner, ready to be built into a run (see `continual::run::learner`).
pub enum Recipe {
    Net(Box<dyn Strategy>),
    Protonet,
    /// Makes the learner for features of the given width (the inputs' or the embedding's).
    Host(Box<dyn Fn(usize) -> Box<dyn HostLearner>>),
}

/// What a run's stream gives a recipe: its train data's input width and number of classes.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub dim: usize,
    pub classes: usize,
}

/// A setting a strategy reads from [`ClConfig`]: the catalog lists it with the strategy, and the
/// continual page builds its control from that.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The page's and URL's name: one per meaning (`ewcLambda` and `l2Lambda` are both
    /// `regularization`, with their own defaults), shared where one setting serves several
    /// strategies (`bufferSize`).
    pub name: &'static str,
    /// The config key it sets.
    pub key: &'static str,
    /// What a form calls it.
    pub label: &'static str,
    pub value: SettingValue,
}

#[derive(Debug, Clone, Copy)]
pub enum SettingValue {
    /// A number within `field`; its default is `default`, or the config's when `None`.
    Number { field: Field, default: Option<f64> },
    /// One of a menu's choices (config name, title), the config's default first chosen.
    Choice(fn() -> Vec<(String, String)>),
}

impl Setting {
    const fn number(name: &'static str, label: &'static str, field: Field) -> Self {
        Self {
            name,
            key: field.name,
            label,
            value: SettingValue::Number {
                field,
                default: None,
            },
        }
    }

    /// `regularization` (λ) under this strategy's own name and default.
    const fn lambda(name: &'static str, label: &'static str, default: f64) -> Self {
        Self {
            name,
            key: fields::REGULARIZATION.name,
            label,
            value: SettingValue::Number {
                field: fields::REGULARIZATION,
                default: Some(default),
            },
        }
    }

    const fn choice(
        name: &'static str,
        label: &'static str,
        choices: fn() -> Vec<(String, String)>,
    ) -> Self {
        Self {
            name,
            key: name,
            label,
            value: SettingValue::Choice(choices),
        }
    }
}

/// `(config name, title)` of every value of a menu enum.
fn titled<T: Serialize + Copy>(all: &[T], title: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (serde_name(&v), title(v).to_owned()))
        .collect()
}

const BUFFER_SIZE: Setting =
    Setting::number("bufferSize", "Memory (examples)", fields::BUFFER_SIZE);
const BUFFER_POLICY: Setting = Setting::choice("bufferPolicy", "Buffer", || {
    titled(&BufferPolicy::ALL, BufferPolicy::title)
});
const EMBEDDING: Setting = Setting::choice("embedding", "Features", || {
    titled(&Embedding::ALL, Embedding::title)
});

/// Calls `build` with the types a registry entry's closure is written against.
fn recipe(
    build: impl FnOnce(&ClConfig, &Stream, Shape) -> Recipe,
    config: &ClConfig,
    stream: &Stream,
    shape: Shape,
) -> Recipe {
    build(config, stream, shape)
}

macro_rules! strategies {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal {
        title: $title:literal,
        family: $family:ident,
        keeps: $keeps:literal,
        settings: [$($setting:expr),* $(,)?],
        $(note: $note:literal,)?
        $(unlearns: $unlearns:literal,)?
        build: $build:expr $(,)?
    })*) => {
        /// Which learner or strategy a run trains (Avalanche's names where it has them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(test, derive(ts_rs::TS))]
        pub enum StrategyKind {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        impl StrategyKind {
            /// Every strategy, in menu order.
            pub const ALL: [Self; [$($name,)*].len()] = [$(Self::$variant,)*];

            /// The config's name for it.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// Its name in menus and legends.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Self::$variant => $title,)*
                }
            }

            pub const fn family(self) -> Family {
                match self {
                    $(Self::$variant => Family::$family,)*
                }
            }

            /// Parameter-sized copies it keeps beyond the weights, their gradients and Adam's
            /// two moments (old weights, importances, a teacher), for the memory estimate.
            pub const fn keeps(self) -> u64 {
                match self {
                    $(Self::$variant => $keeps,)*
                }
            }

            /// The settings of [`ClConfig`] it reads, in form order.
            pub const fn settings(self) -> &'static [Setting] {
                match self {
                    $(Self::$variant => {
                        const SETTINGS: &[Setting] = &[$($setting),*];
                        SETTINGS
                    })*
                }
            }

            /// A sentence a page shows while this strategy is on screen, if it needs one.
            pub const fn note(self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => [$(Some($note),)? None][0],)*
                }
            }

            /// Whether it can forget a class exactly (`unlearn`).
            pub const fn unlearns(self) -> bool {
                match self {
                    $(Self::$variant => [$($unlearns,)? false][0],)*
                }
            }

            /// The learner, for `stream` with `shape`.
            pub fn recipe(self, config: &ClConfig, stream: &Stream, shape: Shape) -> Recipe {
                match self {
                    $(Self::$variant => recipe($build, config, stream, shape),)*
                }
            }
        }
    };
}

strategies! {
    /// Fine-tuning on each task in turn, nothing kept: the lower bound.
    Naive = "naive" {
        title: "Naive fine-tuning",
        family: Net,
        keeps: 0,
        settings: [],
        build: |_, _, _| Recipe::Net(Box::new(Naive)),
    }
    /// Every task's data from the start: the upper bound, not a continual learner.
    Joint = "joint" {
        title: "Joint (upper bound)",
        family: Net,
        keeps: 0,
        settings: [],
        note: "Joint is the upper bound, not a continual learner: it trains on every task's data \
               from step 0, so its curves for later tasks rise from the start instead of waiting \
               for their turn.",
        build: |_, stream, _| Recipe::Net(Box::new(Joint::new(&stream.tasks))),
    }
    /// Rehearsal from a memory of past examples, next to each batch.
    Replay = "replay" {
        title: "Replay",
        family: Net,
        keeps: 0,
        settings: [BUFFER_SIZE, BUFFER_POLICY],
        build: |c, _, s| {
            let n = c.buffer_size as usize;
            let memory: Box<dyn Memory> = match c.buffer_policy {
                BufferPolicy::Reservoir => Box::new(Reservoir::new(n, s.dim, s.classes)),
                BufferPolicy::ClassBalanced => Box::new(ClassBalanced::new(n, s.dim, s.classes)),
            };
            Recipe::Net(Box::new(Replay::new(memory)))
        },
    }
    /// Rehearsal that revisits older tasks less often, with a power law.
    PowerLawReplay = "power_law_replay" {
        title: "Power-law rehearsal",
        family: Net,
        keeps: 0,
        settings: [
            BUFFER_SIZE,
            Setting::number("rehearsalExponent", "Revisit exponent", fields::REHEARSAL_EXPONENT),
        ],
        build: |c, stream, s| Recipe::Net(Box::new(PowerLawReplay::new(
            c.buffer_size as usize,
            stream.tasks.len(),
            s.dim,
            s.classes,
            c.rehearsal_exponent,
        ))),
    }
    /// A quadratic pull towards the previous task's weights. λ: the best average accuracy on 4
    /// permuted-digit tasks with the default MLP and training, mean of 3 seeds (0.001–1 tried:
    /// 0.01 gives 0.73).
    L2 = "l2" {
        title: "L2 to previous weights",
        family: Net,
        keeps: 3,
        settings: [Setting::lambda("l2Lambda", "L2 λ", 0.01)],
        build: |c, _, _| Recipe::Net(Box::new(L2::new(c.lambda()))),
    }
    /// Elastic weight consolidation. λ: chosen as L2's, with its Fisher over the whole task, at
    /// 1–100,000: 1,000 gives 0.79, 100 gives 0.79 with more forgetting, and on split blobs 1,000
    /// does better than 100, 0.53 vs 0.50; stronger protects old tasks more but stops new ones.
    Ewc = "ewc" {
        title: "EWC",
        family: Net,
        keeps: 3,
        settings: [Setting::lambda("ewcLambda", "EWC λ", 1000.0)],
        build: |c, _, _| Recipe::Net(Box::new(Ewc::new(c.lambda()))),
    }
    /// Synaptic Intelligence (Zenke et al. 2017). λ (their `c`) chosen as EWC's: 0.01–1000
    /// tried, 0.1 gives 0.78 with forgetting 0.10, vs naive 0.60 / 0.38 and EWC 0.79 / 0.07; 1
    /// forgets less, 0.08, and learns less, 0.73; on split blobs every λ stays near naive,
    /// 0.47–0.55.
    Si = "si" {
        title: "Synaptic Intelligence",
        family: Net,
        keeps: 3,
        settings: [Setting::lambda("siLambda", "SI λ (c)", 0.1)],
        build: |c, _, _| Recipe::Net(Box::new(Si::new(c.lambda()))),
    }
    /// Learning without forgetting: distillation from the previous task's model.
    Lwf = "lwf" {
        title: "LwF (distillation)",
        family: Net,
        keeps: 3,
        settings: [
            Setting::number("lwfAlpha", "LwF α", fields::LWF_ALPHA),
            Setting::number("temperature", "LwF temperature", fields::TEMPERATURE),
        ],
        build: |c, _, _| Recipe::Net(Box::new(Lwf::new(c.lwf_alpha, c.temperature))),
    }
    /// Nearest class mean on raw inputs or an embedding.
    Ncm = "ncm" {
        title: "Nearest class mean",
        family: Host,
        keeps: 0,
        settings: [EMBEDDING],
        build: |_, _, s| {
            let classes = s.classes;
            Recipe::Host(Box::new(move |dim| Box::new(NearestClassMean::new(dim, classes))))
        },
    }
    /// A prototypical network, its embedding trained as the stream goes.
    Protonet = "protonet" {
        title: "Prototypical network",
        family: Protonet,
        keeps: 0,
        settings: [],
        build: |_, _, _| Recipe::Protonet,
    }
    /// Streaming linear discriminant analysis (Hayes & Kanan 2020).
    Slda = "slda" {
        title: "Streaming LDA",
        family: Host,
        keeps: 0,
        settings: [EMBEDDING],
        build: |_, _, s| {
            let classes = s.classes;
            Recipe::Host(Box::new(move |dim| Box::new(StreamingLda::new(dim, classes))))
        },
    }
    /// Ridge regression on random ReLU features, by recursive least squares: after any stream
    /// it equals the head trained on all of it, and it forgets a class exactly.
    Analytic = "analytic" {
        title: "Analytic head (RLS)",
        family: Host,
        keeps: 0,
        settings: [
            EMBEDDING,
            Setting::number("features", "Random features", fields::FEATURES),
            Setting::number("ridge", "Ridge γ", fields::RIDGE),
        ],
        unlearns: true,
        build: |c, _, s| {
            let (features, classes, ridge, seed) =
                (c.features as usize, s.classes, c.ridge, u64::from(c.seed));
            Recipe::Host(Box::new(move |_| {
                Box::new(AnalyticHead::new(features, classes, ridge, seed))
            }))
        },
    }
}

impl Default for StrategyKind {
    fn default() -> Self {
        Self::ALL[0]
    }
}

impl StrategyKind {
    /// Host learners read each segment once instead of `iterationsPerTask` steps.
    pub fn reads_once(self) -> bool {
        self.family() == Family::Host
    }

    /// Whether it reads the config key `key`.
    pub fn uses(self, key: &str) -> bool {
        self.settings().iter().any(|s| s.key == key)
    }

    /// λ when the config leaves `regularization` out; `None` for strategies without one.
    pub fn default_regularization(self) -> Option<f64> {
        self.settings().iter().find_map(|s| match s.value {
            SettingValue::Number { field, default }
                if field.name == fields::REGULARIZATION.name =>
            {
                default
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry's config name is its serde name, and every setting names a key of the config
    /// with a default of the right kind; one page name always means one key and one default.
    #[test]
    fn the_registry_agrees_with_the_config() {
        let defaults = serde_json::to_value(ClConfig::default()).expect("config JSON");
        let mut names: std::collections::BTreeMap<&str, (&str, Option<f64>)> = Default::default();
        for kind in StrategyKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).expect("JSON"),
                serde_json::Value::from(kind.name())
            );
            for s in kind.settings() {
                assert!(
                    defaults.get(s.key).is_some(),
                    "{}: no config key {}",
                    kind.name(),
                    s.key
                );
                let default = match s.value {
                    SettingValue::Number { field, default } => {
                        assert_eq!(field.name, s.key, "{}", s.name);
                        let d = default.or(defaults[s.key].as_f64());
                        assert!(field.accepts(d.expect("a default")), "{}", s.name);
                        default
                    }
                    SettingValue::Choice(all) => {
                        let choices = all();
                        assert!(
                            choices.iter().any(|(v, _)| defaults[s.key] == *v),
                            "{}",
                            s.name
                        );
                        None
                    }
                };
                let seen = names.entry(s.name).or_insert((s.key, default));
                assert_eq!(*seen, (s.key, default), "{} means two things", s.name);
            }
        }
    }

    /// The λ a config without `regularization` trains with, per strategy.
    #[test]
    fn regularizers_keep_their_measured_lambdas() {
        let lambda = |strategy| {
            ClConfig {
                strategy,
                ..ClConfig::default()
            }
            .lambda()
        };
        assert_eq!(lambda(StrategyKind::L2), 0.01);
        assert_eq!(lambda(StrategyKind::Ewc), 1000.0);
        assert_eq!(lambda(StrategyKind::Si), 0.1);
        assert_eq!(StrategyKind::Naive.default_regularization(), None);
        let set = ClConfig {
            strategy: StrategyKind::Si,
            regularization: Some(2.0),
            ..ClConfig::default()
        };
        assert_eq!(set.lambda(), 2.0);
        assert!(StrategyKind::Analytic.unlearns() && !StrategyKind::Ncm.unlearns());
        assert!(StrategyKind::Joint.note().is_some() && StrategyKind::Naive.note().is_none());
    }
}
