//! What the core offers, in one value: every choice list (function classes, backbones and their
//! presets, baselines, probes, continual datasets, scenarios and strategies), every number's
//! bounds and default, and the per-call limits. The wasm `catalog()` returns it, `iclab catalog`
//! prints it, and `web/src/generated/catalog.ts` is a copy the pages read without starting the
//! worker; a test here fails when that copy, or the TypeScript types generated from the Rust
//! schema (`web/src/generated/types.ts`), is stale (`npm run generate` writes both).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::continual::run::{BufferPolicy, Embedding, StrategyKind};
use crate::continual::scenarios::{ScenarioConfig, Schedule};
use crate::continual::two_d::Shape;
use crate::device::DeviceChoice;
use crate::icl::baselines::BaselineKind;
use crate::icl::config::{Activation, Backbone, Preset, SessionConfig};
use crate::icl::evaluate::{EvalConfig, EvalTasks};
use crate::icl::probe::Probe;
use crate::icl::{TaskKind, TokenLayout};
use crate::schema::{Field, FieldSpec, serde_name, specs};
pub use continual::ContinualCatalog;

mod continual;
mod markov;
pub use continual::{
    Choice, FederatedCatalog, MergeLearnerSpec, PlasticityCatalog, Strategy, StrategySetting,
};
pub use markov::MarkovCatalog;

/// Field name → bounds and default.
pub type Fields = BTreeMap<String, FieldSpec>;

/// A choice with the numbers it holds (a function class, a scenario, a dataset).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Kind {
    pub kind: String,
    /// Its short name in menus.
    pub title: String,
    /// One line explaining it.
    pub description: String,
    pub fields: Fields,
    /// Its whole config with every default, menus included (`shape`, `schedule`): the keys a
    /// page fills in to build one.
    #[cfg_attr(test, ts(type = "Record<string, unknown>"))]
    pub defaults: Value,
}

/// A function class: its kind, names, parameters and the baselines it is compared with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Task {
    #[serde(flatten)]
    pub kind: Kind,
    /// The baselines a page draws for it by default.
    pub baselines: Vec<BaselineKind>,
}

/// A backbone and the shape of each preset.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Model {
    pub kind: Backbone,
    /// Its menu title.
    pub title: String,
    /// Its name in a sentence or a legend ("xLSTM").
    pub short_title: String,
    /// What its units of depth are called ("layers", "blocks").
    pub depth_unit: String,
    /// Whether `xlstmRatio` shapes it.
    pub uses_xlstm_ratio: bool,
    /// Whether `activation` (its MLPs' nonlinearity) shapes it.
    pub uses_activation: bool,
    pub presets: BTreeMap<String, PresetShape>,
}

/// Blocks, width and heads of a preset.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PresetShape {
    pub layers: u32,
    pub d_model: u32,
    pub heads: u32,
}

/// The in-context learner's schema.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IclCatalog {
    pub tasks: Vec<Task>,
    pub models: Vec<Model>,
    pub presets: Vec<Preset>,
    pub tokens: Vec<TokenLayout>,
    /// The transformer MLPs' nonlinearities (`activation`).
    pub activations: Vec<Activation>,
    pub devices: Vec<DeviceChoice>,
    /// Every baseline, `zero` (always computed) first.
    pub baselines: Vec<BaselineKind>,
    /// What each baseline needs or costs, so a page can choose and order them.
    pub baseline_roles: BaselineRoles,
    /// Tokens each example takes in a prompt, per layout (a prompt of k examples is k times as
    /// long).
    pub tokens_per_example: BTreeMap<String, u32>,
    pub probes: Vec<Probe>,
    /// Older probe names a config may still use, and the probe each reads as.
    pub probe_aliases: BTreeMap<String, Probe>,
    /// The evaluation setting each probe reads (`scaled` → `probeScale`); probes without one are
    /// left out.
    pub probe_parameters: BTreeMap<String, String>,
    /// Which tasks an evaluation's prompts use (fresh, or the training pool's).
    pub eval_tasks: Vec<EvalTasks>,
    /// `createSession`'s numbers.
    pub session: Fields,
    /// Every setting's default (what a config that leaves it out gets).
    pub defaults: SessionConfig,
    /// The config that learns fastest from a blank model (`SessionConfig::from_scratch`).
    pub from_scratch: SessionConfig,
    /// `evaluate`'s numbers.
    pub evaluation: Fields,
    /// Every evaluation setting's default (the probe, the tasks, the numbers).
    pub eval_defaults: EvalConfig,
    /// `layers`' numbers (what each layer computes).
    pub layers: Fields,
    /// A written prompt's bounds (`answer`: queries per call, any number's range, a pasted
    /// table's characters).
    pub answer: Fields,
    /// Where nearly all training inputs fell, per coordinate (a page shades outside it).
    pub typical_range: [f64; 2],
}

/// Baselines by what they need or cost.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BaselineRoles {
    /// Computed by every evaluation whether asked for or not.
    pub always: Vec<BaselineKind>,
    /// Need a session trained on a task pool.
    pub needs_pool: Vec<BaselineKind>,
    /// Fit a model on every prompt and every k: the slowest, computed last by a page.
    pub fits_per_prompt: Vec<BaselineKind>,
    /// Task diversity's two references: the memorizing solution (Bayes-optimal for the pool) and
    /// the learning one (Bayes-optimal for a fresh task), between which a model's position is
    /// measured.
    pub memorizing: BaselineKind,
    pub learning: BaselineKind,
}

/// The in-context classification experiment's schema (docs/SCIENCE.md §4).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClassifyCatalog {
    pub backbones: Vec<crate::classify::ClassifyBackbone>,
    /// Every setting's default.
    pub defaults: crate::classify::ClassifyConfig,
    /// The sequences' numbers (`task` of `startClassify`).
    pub task: Fields,
    /// `startClassify`'s top-level numbers.
    pub fields: Fields,
    /// Sequences per split of `evaluate`.
    pub prompts: Field,
}

/// The bounds of each call's own arguments.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Limits {
    /// Steps of one `train` call (`every` of a `train()` stream).
    pub train_steps: Field,
    /// Steps between a `train()` stream's evaluations (0: only at its last step).
    pub eval_every: Field,
    /// Steps of one `train()` stream.
    pub stream_steps: Field,
    /// Steps of one continual `advance` call.
    pub advance_steps: Field,
    /// Grid points per side of a decision boundary.
    pub boundary_resolution: Field,
    /// The class `unlearn` takes.
    pub unlearn_class: Field,
    /// Token positions of an inference-cost curve.
    pub cost_tokens: Field,
    /// A classroom client's number (`learnFederated`; below the config's `clients`).
    pub federated_client: Field,
}

/// What a menu, a legend or a sentence calls each choice, by its name in a config: a page shows
/// these and never spells a title of its own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Titles {
    pub models: BTreeMap<String, String>,
    pub classify_backbones: BTreeMap<String, String>,
    pub tokens: BTreeMap<String, String>,
    pub activations: BTreeMap<String, String>,
    pub devices: BTreeMap<String, String>,
    /// A baseline's legend ("least squares", "always 0 (zero estimator)").
    pub baselines: BTreeMap<String, String>,
    pub probes: BTreeMap<String, String>,
    /// What a layer's predictions resemble (what each layer computes).
    pub verdicts: BTreeMap<String, String>,
    /// The estimator whose side of the midpoint a pool size sits on (task diversity).
    pub sides: BTreeMap<String, String>,
    pub eval_tasks: BTreeMap<String, String>,
    pub tasks: BTreeMap<String, String>,
    /// Every dataset a page offers by name: the 2-D shapes, then `digits`.
    pub datasets: BTreeMap<String, String>,
    pub scenarios: BTreeMap<String, String>,
    pub schedules: BTreeMap<String, String>,
    pub strategies: BTreeMap<String, String>,
    pub buffer_policies: BTreeMap<String, String>,
    pub embeddings: BTreeMap<String, String>,
}

/// Everything above.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Catalog {
    pub icl: IclCatalog,
    pub classify: ClassifyCatalog,
    pub continual: ContinualCatalog,
    pub markov: MarkovCatalog,
    pub titles: Titles,
    pub limits: Limits,
}

/// Each choice's config name with its title.
fn titled<T: Serialize + Copy>(
    all: &[T],
    title: impl Fn(T) -> &'static str,
) -> BTreeMap<String, String> {
    all.iter()
        .map(|&c| {
            let name = serde_name(&c);
            (name, title(c).to_owned())
        })
        .collect()
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The `kind` tag a tagged config serializes with.
fn serde_name_of_kind<T: Serialize>(config: &T) -> String {
    json(config)["kind"].as_str().unwrap_or_default().to_owned()
}

/// `config`'s tag and its fields' specs, defaults read from `config` itself.
fn kind_of<T: Serialize>(config: &T, (title, description): (&str, &str), fields: &[Field]) -> Kind {
    let value = json(config);
    Kind {
        kind: serde_name_of_kind(config),
        title: title.to_owned(),
        description: description.to_owned(),
        fields: specs(fields, &value),
        defaults: value,
    }
}

/// The catalog of this build.
pub fn catalog() -> Catalog {
    let session_defaults = json(&SessionConfig::default());
    let eval_defaults = json(&EvalConfig::default());
    let tasks = TaskKind::ALL
        .into_iter()
        .map(|kind| {
            let config = kind.config();
            let class = config.class();
            Task {
                kind: kind_of(
                    &config,
                    (class.title(), class.description()),
                    &class.parameters(),
                ),
                baselines: class.reference_baselines().to_vec(),
            }
        })
        .collect();
    let models = Backbone::ALL
        .into_iter()
        .map(|kind| Model {
            kind,
            title: kind.title().to_owned(),
            short_title: kind.short_title().to_owned(),
            depth_unit: kind.depth_unit().to_owned(),
            uses_xlstm_ratio: kind.uses_xlstm_ratio(),
            uses_activation: kind.uses_activation(),
            presets: Preset::ALL
                .into_iter()
                .map(|p| {
                    let (layers, d_model, heads) = kind.shape(p);
                    let name = serde_name(&p);
                    (
                        name,
                        PresetShape {
                            layers,
                            d_model,
                            heads,
                        },
                    )
                })
                .collect(),
        })
        .collect();
    Catalog {
        icl: IclCatalog {
            tasks,
            models,
            presets: Preset::ALL.to_vec(),
            tokens: TokenLayout::ALL.to_vec(),
            activations: Activation::ALL.to_vec(),
            devices: DeviceChoice::ALL.to_vec(),
            baselines: BaselineKind::ALL.to_vec(),
            baseline_roles: {
                let which = |f: fn(BaselineKind) -> bool| {
                    BaselineKind::ALL.into_iter().filter(|&b| f(b)).collect()
                };
                BaselineRoles {
                    always: which(BaselineKind::always),
                    needs_pool: which(BaselineKind::needs_pool),
                    fits_per_prompt: which(BaselineKind::fits_per_prompt),
                    memorizing: crate::icl::diversity::MEMORIZING,
                    learning: crate::icl::diversity::LEARNING,
                }
            },
            tokens_per_example: TokenLayout::ALL
                .into_iter()
                .map(|t| (serde_name(&t), t.seq_len(1) as u32))
                .collect(),
            probes: Probe::ALL.to_vec(),
            probe_aliases: Probe::ALIASES
                .into_iter()
                .map(|(alias, p)| (alias.to_owned(), p))
                .collect(),
            probe_parameters: Probe::ALL
                .into_iter()
                .filter_map(|p| {
                    let name = serde_name(&p);
                    p.parameter().map(|f| (name, f.name.to_owned()))
                })
                .collect(),
            eval_tasks: EvalTasks::ALL.to_vec(),
            session: specs(crate::icl::config::fields::ALL, &session_defaults),
            defaults: SessionConfig::default(),
            from_scratch: SessionConfig::from_scratch(),
            eval_defaults: EvalConfig::default(),
            evaluation: specs(crate::icl::evaluate::fields::ALL, &eval_defaults),
            layers: specs(
                crate::icl::layers::fields::ALL,
                &json(&crate::icl::layers::LayersConfig::default()),
            ),
            answer: specs(crate::icl::answer::fields::ALL, &serde_json::Value::Null),
            typical_range: crate::icl::answer::TYPICAL_RANGE,
        },
        classify: {
            let defaults = json(&crate::classify::ClassifyConfig::default());
            ClassifyCatalog {
                backbones: crate::classify::ClassifyBackbone::ALL.to_vec(),
                defaults: crate::classify::ClassifyConfig::default(),
                task: specs(crate::classify::sequences::fields::ALL, &defaults["task"]),
                fields: specs(crate::classify::session::fields::ALL, &defaults),
                prompts: crate::classify::session::fields::PROMPTS,
            }
        },
        continual: continual::catalog(),
        markov: markov::catalog(),
        titles: Titles {
            models: titled(&Backbone::ALL, Backbone::title),
            classify_backbones: titled(
                &crate::classify::ClassifyBackbone::ALL,
                crate::classify::ClassifyBackbone::title,
            ),
            tokens: titled(&TokenLayout::ALL, TokenLayout::title),
            activations: titled(&Activation::ALL, Activation::title),
            devices: titled(&DeviceChoice::ALL, DeviceChoice::title),
            baselines: titled(&BaselineKind::ALL, BaselineKind::legend),
            probes: titled(&Probe::ALL, Probe::title),
            verdicts: titled(
                &crate::icl::layers::Resembles::ALL,
                crate::icl::layers::Resembles::title,
            ),
            sides: titled(
                &crate::icl::diversity::Side::ALL,
                crate::icl::diversity::Side::title,
            ),
            eval_tasks: titled(&EvalTasks::ALL, EvalTasks::title),
            tasks: titled(&TaskKind::ALL, |k| k.config().class().title()),
            datasets: {
                let mut all = titled(&Shape::ALL, Shape::title);
                all.insert("digits".into(), "handwritten digits (14×14)".into());
                all.insert(
                    "table".into(),
                    "your own data (draw points or load a CSV)".into(),
                );
                all
            },
            scenarios: ScenarioConfig::all()
                .iter()
                .map(|s| {
                    let kind = serde_name_of_kind(s);
                    (kind, s.scenario().title().to_owned())
                })
                .collect(),
            schedules: titled(&Schedule::ALL, Schedule::title),
            strategies: titled(&StrategyKind::ALL, StrategyKind::title),
            buffer_policies: titled(&BufferPolicy::ALL, BufferPolicy::title),
            embeddings: titled(&Embedding::ALL, Embedding::title),
        },
        limits: Limits {
            train_steps: crate::train::TRAIN_STEPS,
            eval_every: crate::train::cadence::EVAL_EVERY,
            stream_steps: crate::train::cadence::STREAM_STEPS,
            advance_steps: crate::continual::run::ADVANCE_STEPS,
            boundary_resolution: crate::continual::run::BOUNDARY_RESOLUTION,
            unlearn_class: crate::continual::run::UNLEARN_CLASS,
            cost_tokens: crate::model::cost::COST_TOKENS,
            federated_client: crate::continual::run::federated::CLIENT,
        },
    }
}

#[cfg(test)]
mod tests;
