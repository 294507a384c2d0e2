//! The catalog's in-context Markov chains (docs/SCIENCE.md §7).

use serde::Serialize;

use super::{Fields, continual, json};
use crate::schema::{serde_name, specs};

/// In-context Markov chains (docs/SCIENCE.md §7): the run's defaults and bounds, the rules a
/// model is measured against and the stages.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MarkovCatalog {
    pub defaults: crate::markov::session::MarkovRunConfig,
    /// `task`'s numbers.
    pub task: Fields,
    /// The run's own numbers.
    pub fields: Fields,
    /// The networks, with what a menu calls them (the paper's first).
    pub backbones: Vec<continual::Choice>,
    /// The rules, with what a legend calls them (the oracle last: the floor, not a stage).
    pub rules: Vec<continual::Choice>,
    pub stages: Vec<crate::markov::Stage>,
}

pub(super) fn catalog() -> MarkovCatalog {
    let defaults = crate::markov::session::MarkovRunConfig::default();
    let values = json(&defaults);
    MarkovCatalog {
        task: specs(crate::markov::task::fields::ALL, &values["task"]),
        fields: specs(crate::markov::session::fields::ALL, &values),
        defaults,
        backbones: crate::markov::model::MarkovBackbone::ALL
            .iter()
            .map(|&b| continual::Choice {
                value: serde_name(&b),
                title: b.title().to_owned(),
            })
            .collect(),
        rules: crate::markov::Rule::ALL
            .iter()
            .map(|&r| continual::Choice {
                value: serde_name(&r),
                title: r.title().to_owned(),
            })
            .collect(),
        stages: vec![
            crate::markov::Stage::Uniform,
            crate::markov::Stage::Unigram,
            crate::markov::Stage::Bigram,
            crate::markov::Stage::Between,
        ],
    }
}
