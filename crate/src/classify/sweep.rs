//! A classification sweep as the site ships it (`www/public/classify/*.json`, written by `iclab
//! classify sweep --out`): the runs and the findings computed from them, so the page renders
//! sentences it does not decide.

use serde::{Deserialize, Serialize};

use super::ClassifyConfig;
use super::phase::PhaseDiagram;
use super::runs::Run;
use super::transience::Transience;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClassifySweep {
    /// The command that wrote the file (`iclab …`).
    pub command: String,
    /// The base config every run started from (each run's B, K, ε, weight decay and seed differ).
    pub config: ClassifyConfig,
    pub runs: Vec<Run>,
    /// Per setting, which strategy wins and whether the seeds can say.
    pub phase: PhaseDiagram,
    /// Per setting (ε, B, K): whether in-context learning emerged and then faded (meaningful
    /// for long runs).
    pub transience: Vec<Transience>,
}

impl ClassifySweep {
    /// The record of `runs`, with every finding computed from them.
    pub fn new(command: String, config: ClassifyConfig, runs: Vec<Run>) -> Self {
        Self {
            phase: PhaseDiagram::of(&runs),
            transience: Transience::per_setting(&runs),
            command,
            config,
            runs,
        }
    }
}
