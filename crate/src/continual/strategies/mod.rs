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
pub mod continual_backprop;
pub mod ewc;
pub mod joint;
pub mod l2;
pub mod lwf;
pub mod naive;
pub mod power_law;
pub mod replay;
pub mod reservoir;
pub mod shrink_perturb;
pub mod si;
pub mod weight_decay;

mod hooks;
mod setting;

use serde::{Deserialize, Serialize};

use super::learners::{AnalyticHead, NearestClassMean, StreamingLda};
use super::run::{BufferPolicy, ClConfig, Embedding, fields};
use super::scenarios::Stream;
use setting::titled;

pub use hooks::{
    Needs, StepContext, StepUpdate, Strategy, TaskEnd, UnitStats, flat_grads, flat_params,
};
pub use setting::{Family, Recipe, Setting, SettingValue, Shape};

pub use class_balanced::ClassBalanced;
pub use continual_backprop::{CbpSettings, ContinualBackprop};
pub use ewc::Ewc;
pub use joint::Joint;
pub use l2::L2;
pub use lwf::Lwf;
pub use naive::Naive;
pub use power_law::PowerLawReplay;
pub use replay::{Memory, Replay};
pub use reservoir::Reservoir;
pub use shrink_perturb::ShrinkPerturb;
pub use si::Si;
pub use weight_decay::WeightDecay;

const BUFFER_SIZE: Setting =
    Setting::number("bufferSize", "Memory (examples)", fields::BUFFER_SIZE);
const BUFFER_POLICY: Setting = Setting::choice("bufferPolicy", "Buffer", || {
    titled(&BufferPolicy::ALL, BufferPolicy::title)
});
const DECAY_LAMBDA: Setting = Setting::lambda("decayLambda", "Weight decay λ", 1e-4);
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
    /// L2 toward zero: keeps weights from growing, one cure for loss of plasticity (Dohare et
    /// al. 2024). λ: the middle of the reference's permuted-MNIST search {1e-3, 1e-4, 1e-5} is
    /// 1e-4; chosen on the plasticity stream of docs/SCIENCE.md §3 (see there).
    WeightDecay = "weight_decay" {
        title: "L2 toward zero (weight decay)",
        family: Net,
        keeps: 0,
        settings: [DECAY_LAMBDA],
        build: |c, _, _| Recipe::Net(Box::new(WeightDecay::new(c.lambda()))),
    }
    /// Shrink and perturb: weight decay and Gaussian noise on every parameter after each step.
    ShrinkPerturb = "shrink_perturb" {
        title: "Shrink and perturb",
        family: Net,
        keeps: 0,
        settings: [
            DECAY_LAMBDA,
            Setting::number("perturbStd", "Noise σ", fields::PERTURB_STD),
        ],
        build: |c, _, _| Recipe::Net(Box::new(ShrinkPerturb::new(c.lambda(), c.perturb_std))),
    }
    /// Continual backpropagation: backprop plus a steady reinitialization of the least useful
    /// mature hidden units (Dohare et al. 2024).
    ContinualBackprop = "continual_backprop" {
        title: "Continual backprop",
        family: Net,
        keeps: 0,
        settings: [
            Setting::number("replacementRate", "Replacement rate ρ", fields::REPLACEMENT_RATE),
            Setting::number("maturity", "Maturity (steps)", fields::MATURITY),
            Setting::number("utilityDecay", "Utility decay η", fields::UTILITY_DECAY),
        ],
        build: |c, _, _| Recipe::Net(Box::new(ContinualBackprop::new(CbpSettings {
            replacement_rate: c.replacement_rate,
            maturity: u64::from(c.maturity),
            decay: c.utility_decay,
        }))),
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
