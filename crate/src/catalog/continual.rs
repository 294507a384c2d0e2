//! The continual learner as the catalog lists it: its datasets and scenarios with what each needs,
//! and each strategy with its title, what it can do, and each setting it reads with its bounds or
//! menu and its default (from the strategy registry).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{Fields, Kind, json, kind_of, serde_name_of_kind};
use crate::continual::digits::DigitsConfig;
use crate::continual::run::classroom::SHARE_FORMAT;
use crate::continual::run::federated::{
    CLIENTS, ClientSplit, FederatedConfig, MergeLearner, ROUNDS,
};
use crate::continual::run::{BufferPolicy, ClConfig, DataConfig, Embedding, StrategyKind};
use crate::continual::scenarios::{ScenarioConfig, Schedule};
use crate::continual::table::{LIMITS as TABLE_LIMITS, TableConfig, TableLimits};
use crate::continual::two_d::{Shape, TwoDConfig};
use crate::schema::{Field, specs};

/// The continual learner's schema.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContinualCatalog {
    /// Every setting's default.
    pub defaults: ClConfig,
    pub datasets: Vec<Kind>,
    pub shapes: Vec<Shape>,
    pub scenarios: Vec<Kind>,
    pub schedules: Vec<Schedule>,
    pub strategies: Vec<Strategy>,
    /// The learner a page shows beside the default one when it opens: replay, the baseline the
    /// other strategies are measured against.
    pub compare: StrategyKind,
    pub buffer_policies: Vec<BufferPolicy>,
    pub embeddings: Vec<Embedding>,
    /// The fewest input features each scenario needs (a dataset with fewer cannot run it).
    pub min_features: BTreeMap<String, u32>,
    /// Each dataset kind's input features, where known without its data.
    pub features: BTreeMap<String, u32>,
    /// The file of the package's `data/` each dataset kind reads (fetched by the worker when a
    /// config asks for that dataset); generated datasets have none.
    pub assets: BTreeMap<String, String>,
    /// `startContinual`'s top-level numbers.
    pub fields: Fields,
    /// Learn apart, merge together (`runFederated`, `learnFederated`).
    pub federated: FederatedCatalog,
    /// A visitor's own table (`dataset.kind = "table"`): its settings and what a file may hold.
    pub table: Kind,
    pub table_limits: TableLimits,
    /// Loss of plasticity: the stream where it shows at browser scale, and the learners that
    /// lose or keep it.
    pub plasticity: PlasticityCatalog,
}

/// Loss of plasticity's experiment (docs/SCIENCE.md §3).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlasticityCatalog {
    /// The run a page starts from: permuted digits, many tasks, a small MLP, Adam at a large
    /// step ([`ClConfig::plasticity`]).
    pub defaults: ClConfig,
    /// Plain backprop and the cures, in menu order.
    pub strategies: Vec<StrategyKind>,
}

/// The federated run's schema.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FederatedCatalog {
    /// Every setting's default.
    pub defaults: FederatedConfig,
    pub learners: Vec<MergeLearnerSpec>,
    pub splits: Vec<Choice>,
    /// The features clients may share (`run.embedding`): a learned embedding is each client's
    /// own, so it is not offered.
    pub embeddings: Vec<Embedding>,
    /// `clients` and `rounds`.
    pub fields: Fields,
    /// The format tag of a share (what `learnFederated` writes and `merge` reads).
    pub share_format: String,
}

/// A learner that merges: its title and whether its share travels between pages.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MergeLearnerSpec {
    pub kind: MergeLearner,
    pub title: String,
    pub travels: bool,
}

/// The continual learner's part of the catalog.
pub(super) fn catalog() -> ContinualCatalog {
    let cl_defaults = json(&ClConfig::default());
    let datasets = DataConfig::all()
        .iter()
        .map(|d| match d {
            DataConfig::TwoD(_) => kind_of(
                d,
                ("2-D points", "2-D points (decision regions can be drawn)"),
                TwoDConfig::FIELDS,
            ),
            DataConfig::Digits(_) => kind_of(
                d,
                ("digits", "Handwritten digits, 14×14 (MNIST)"),
                DigitsConfig::FIELDS,
            ),
            DataConfig::Table(_) => table_kind(d),
        })
        .collect();
    let scenarios = ScenarioConfig::all()
        .iter()
        .map(|s| {
            let scenario = s.scenario();
            kind_of(
                s,
                (scenario.title(), scenario.description()),
                scenario.fields(),
            )
        })
        .collect();
    ContinualCatalog {
        defaults: ClConfig::default(),
        datasets,
        shapes: Shape::ALL.to_vec(),
        scenarios,
        schedules: Schedule::ALL.to_vec(),
        strategies: StrategyKind::ALL
            .into_iter()
            .map(|kind| strategy(kind, &cl_defaults))
            .collect(),
        compare: StrategyKind::Replay,
        buffer_policies: BufferPolicy::ALL.to_vec(),
        min_features: ScenarioConfig::all()
            .iter()
            .map(|s| (serde_name_of_kind(s), s.scenario().min_features() as u32))
            .collect(),
        features: DataConfig::all()
            .iter()
            .filter_map(|d| Some((serde_name_of_kind(d), d.features()? as u32)))
            .collect(),
        assets: DataConfig::all()
            .iter()
            .filter_map(|d| Some((serde_name_of_kind(d), d.asset()?.to_owned())))
            .collect(),
        embeddings: Embedding::ALL.to_vec(),
        fields: specs(ClConfig::FIELDS, &cl_defaults),
        table: table_kind(&DataConfig::Table(TableConfig::default())),
        table_limits: TABLE_LIMITS,
        plasticity: PlasticityCatalog {
            defaults: ClConfig::plasticity(),
            strategies: vec![
                StrategyKind::Naive,
                StrategyKind::WeightDecay,
                StrategyKind::ShrinkPerturb,
                StrategyKind::ContinualBackprop,
            ],
        },
        federated: FederatedCatalog {
            defaults: FederatedConfig::default(),
            learners: MergeLearner::ALL
                .into_iter()
                .map(|kind| MergeLearnerSpec {
                    kind,
                    title: kind.title().to_owned(),
                    travels: kind.travels(),
                })
                .collect(),
            splits: ClientSplit::ALL
                .into_iter()
                .map(|s| Choice {
                    value: serde_name(&s),
                    title: s.title().to_owned(),
                })
                .collect(),
            embeddings: Embedding::ALL
                .into_iter()
                .filter(|&e| e != Embedding::Learned)
                .collect(),
            fields: specs(&[CLIENTS, ROUNDS], &json(&FederatedConfig::default())),
            share_format: SHARE_FORMAT.to_owned(),
        },
    }
}

/// A visitor's table as a dataset kind.
fn table_kind(d: &DataConfig) -> Kind {
    kind_of(
        d,
        (
            "your table",
            "Your own table: CSV, numeric features, the label last",
        ),
        TableConfig::FIELDS,
    )
}

/// A unit enum's config name.
fn serde_name<T: Serialize>(value: &T) -> String {
    json(value).as_str().unwrap_or_default().to_owned()
}

/// A continual learner or strategy: its menu title, what it reads and what it can do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Strategy {
    pub kind: StrategyKind,
    pub title: String,
    /// Reads each segment once (the host learners) instead of `iterationsPerTask` steps.
    pub reads_once: bool,
    /// Can forget a class exactly (`ContinualRun.unlearn`).
    pub unlearns: bool,
    /// A sentence to show while it is on screen, if it needs one.
    pub note: Option<String>,
    /// The config settings it reads, in form order; a page builds one control for each name.
    pub settings: Vec<StrategySetting>,
}

/// A setting a strategy reads: a number or a menu.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StrategySetting {
    /// The page's and URL's name: one per meaning (`ewcLambda` and `l2Lambda` both set
    /// `regularization`, each with its default), shared where one setting serves several
    /// strategies (`bufferSize`).
    pub name: String,
    /// The config key it sets.
    pub key: String,
    /// What a form calls it.
    pub label: String,
    /// A number's bounds; `null` for a menu.
    pub field: Option<Field>,
    /// A menu's choices in order; `null` for a number.
    pub choices: Option<Vec<Choice>>,
    /// Its default for this strategy.
    #[cfg_attr(test, ts(type = "number | string"))]
    pub default: Value,
}

/// One entry of a menu: its config name and its title.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Choice {
    pub value: String,
    pub title: String,
}

pub(super) fn strategy(kind: StrategyKind, defaults: &Value) -> Strategy {
    use crate::continual::strategies::SettingValue;
    let settings = kind
        .settings()
        .iter()
        .map(|s| {
            let config = defaults.get(s.key).cloned().unwrap_or(Value::Null);
            let (field, choices, default) = match s.value {
                SettingValue::Number { field, default } => {
                    (Some(field), None, default.map_or(config, Value::from))
                }
                SettingValue::Choice(all) => {
                    let choices = all()
                        .into_iter()
                        .map(|(value, title)| Choice { value, title })
                        .collect();
                    (None, Some(choices), config)
                }
            };
            StrategySetting {
                name: s.name.to_owned(),
                key: s.key.to_owned(),
                label: s.label.to_owned(),
                field,
                choices,
                default,
            }
        })
        .collect();
    Strategy {
        kind,
        title: kind.title().to_owned(),
        reads_once: kind.reads_once(),
        unlearns: kind.unlearns(),
        note: kind.note().map(str::to_owned),
        settings,
    }
}
