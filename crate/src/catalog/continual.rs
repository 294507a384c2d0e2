//! A continual strategy as the catalog lists it: its title, what it can do, and each setting it
//! reads with its bounds or menu and its default (from the strategy registry).

use serde::Serialize;
use serde_json::Value;

use crate::continual::run::StrategyKind;
use crate::schema::Field;

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
