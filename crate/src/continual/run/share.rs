//! A classroom client's **share** (docs/SCIENCE.md §3): what one client learned, as it travels
//! between pages — a small JSON file, a link or a channel message — with the feature space its
//! numbers mean something in, and every check a share passes before it may change a learner
//! (its format, learner, counts, lengths, finite numbers, SLDA's scatter), each refusal naming
//! its field.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::federated::{Client, MergeLearner};
use super::{ClConfig, DataConfig, Embedding};
use crate::continual::learners::{NearestClassMean, StreamingLda};
use crate::{Error, Result};

/// The format tag of a share.
pub const SHARE_FORMAT: &str = "iclab/federated-share/1";

/// What a share's numbers only mean in: the data and the features the learner read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShareSpace {
    pub dataset: DataConfig,
    pub embedding: Embedding,
    /// The frozen embedding's hidden widths (empty for raw inputs).
    pub hidden: Vec<u32>,
    /// The seed the frozen embedding was drawn with (0 for raw inputs).
    pub seed: u32,
    /// Numbers per feature vector.
    pub features: u32,
}

impl ShareSpace {
    pub(super) fn of(run: &ClConfig, features: usize) -> Self {
        let frozen = run.embedding == Embedding::Frozen;
        // a table is stated by its fingerprint: a share never carries the visitor's data
        let dataset = match &run.dataset {
            DataConfig::Table(t) => DataConfig::Table(crate::continual::table::TableConfig {
                csv: t.fingerprint(),
                ..t.clone()
            }),
            other => other.clone(),
        };
        Self {
            dataset,
            embedding: run.embedding,
            hidden: if frozen { run.hidden.clone() } else { vec![] },
            seed: if frozen { run.seed } else { 0 },
            features: features as u32,
        }
    }

    /// The first field where `theirs` differs from this page's space, named.
    pub(super) fn check(&self, theirs: &Self) -> Result<()> {
        let differs = |field: &str, ours: String, other: String| {
            Err(Error::invalid(
                format!("share.space.{field}"),
                format!(
                    "the share was learned with {other}, this client uses {ours}: prototypes from another feature space cannot merge"
                ),
            ))
        };
        if self.dataset != theirs.dataset {
            // name the first setting of the data that differs
            let (ours, other) = (json_of(&self.dataset), json_of(&theirs.dataset));
            let key = ours.as_object().zip(other.as_object()).and_then(|(a, b)| {
                a.keys()
                    .chain(b.keys())
                    .find(|k| a.get(*k) != b.get(*k))
                    .cloned()
            });
            return match key {
                Some(k) => differs(
                    &format!("dataset.{k}"),
                    format!("{k} {}", ours.get(&k).unwrap_or(&serde_json::Value::Null)),
                    format!("{k} {}", other.get(&k).unwrap_or(&serde_json::Value::Null)),
                ),
                None => differs("dataset", ours.to_string(), other.to_string()),
            };
        }
        if self.embedding != theirs.embedding {
            return differs(
                "embedding",
                format!("{:?}", self.embedding).to_lowercase(),
                format!("{:?}", theirs.embedding).to_lowercase(),
            );
        }
        if self.hidden != theirs.hidden {
            return differs(
                "hidden",
                format!("{:?}", self.hidden),
                format!("{:?}", theirs.hidden),
            );
        }
        if self.seed != theirs.seed {
            return differs(
                "seed",
                format!("seed {}", self.seed),
                format!("seed {}", theirs.seed),
            );
        }
        if self.features != theirs.features {
            return differs(
                "features",
                format!("{} features", self.features),
                format!("{} features", theirs.features),
            );
        }
        Ok(())
    }
}

/// One class of a share: how many examples the client learned of it, and their mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassStats {
    pub class: u32,
    pub count: u64,
    pub mean: Vec<f64>,
}

/// What one client learned, as it travels between pages (a file, a link, a channel message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Share {
    /// `iclab/federated-share/1`.
    pub format: String,
    pub learner: MergeLearner,
    pub space: ShareSpace,
    /// Which client of how many sent it.
    pub client: u32,
    pub clients: u32,
    /// Classes in the dataset.
    pub classes: u32,
    /// One entry per class the client learned.
    pub stats: Vec<ClassStats>,
    /// SLDA's pooled within-class scatter, `[features, features]` row-major; empty for NCM.
    pub scatter: Vec<f64>,
}

impl Share {
    /// Reads and checks a share's JSON on its own (a page then checks it against its space).
    pub fn from_json(text: &str) -> Result<Self> {
        let share: Self = serde_json::from_str(text).map_err(|e| {
            Error::invalid(
                "share",
                format!("is not an iclab federated share ({SHARE_FORMAT}): {e}"),
            )
        })?;
        share.validate().map(|()| share)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a share serializes")
    }

    /// Every number where it belongs: the counts, the lengths, finite values.
    pub fn validate(&self) -> Result<()> {
        if self.format != SHARE_FORMAT {
            return Err(Error::invalid(
                "share.format",
                format!("is {:?}; this version reads {SHARE_FORMAT:?}", self.format),
            ));
        }
        if self.learner == MergeLearner::Analytic {
            return Err(analytic_refused("share.learner"));
        }
        if self.clients < 2 || self.client >= self.clients {
            return Err(Error::invalid(
                "share.client",
                format!("client {} of {} is not a client", self.client, self.clients),
            ));
        }
        let d = self.space.features as usize;
        if d == 0 || d > 4096 {
            return Err(Error::invalid(
                "share.space.features",
                format!("{d} features is not a feature vector this lab makes"),
            ));
        }
        if self.stats.is_empty() {
            return Err(Error::invalid(
                "share.stats",
                "is empty: the client learned nothing",
            ));
        }
        if self.classes == 0 || self.classes > 10_000 {
            return Err(Error::invalid(
                "share.classes",
                format!("{} classes is not a dataset this lab makes", self.classes),
            ));
        }
        let mut seen = vec![false; self.classes as usize];
        for (i, s) in self.stats.iter().enumerate() {
            let at = |what: &str| format!("share.stats[{i}].{what}");
            let Some(slot) = seen.get_mut(s.class as usize) else {
                return Err(Error::invalid(
                    at("class"),
                    format!("class {} of a dataset of {} classes", s.class, self.classes),
                ));
            };
            if std::mem::replace(slot, true) {
                return Err(Error::invalid(
                    at("class"),
                    format!("class {} appears twice", s.class),
                ));
            }
            if s.count == 0 || s.count > 1 << 40 {
                return Err(Error::invalid(
                    at("count"),
                    format!("{} examples is not a count of a learned class", s.count),
                ));
            }
            if s.mean.len() != d {
                return Err(Error::invalid(
                    at("mean"),
                    format!("has {} numbers; the features are {d}", s.mean.len()),
                ));
            }
            if let Some(j) = s.mean.iter().position(|v| !v.is_finite()) {
                return Err(Error::invalid(
                    at("mean"),
                    format!("number {j} is {}, not a finite number", s.mean[j]),
                ));
            }
        }
        match self.learner {
            MergeLearner::Ncm if !self.scatter.is_empty() => Err(Error::invalid(
                "share.scatter",
                "a nearest-class-mean share has no scatter",
            )),
            MergeLearner::Slda => {
                if self.scatter.len() != d * d {
                    return Err(Error::invalid(
                        "share.scatter",
                        format!(
                            "has {} numbers; {d} × {d} = {} expected",
                            self.scatter.len(),
                            d * d
                        ),
                    ));
                }
                if let Some(j) = self.scatter.iter().position(|v| !v.is_finite()) {
                    return Err(Error::invalid(
                        "share.scatter",
                        format!("number {j} is {}, not a finite number", self.scatter[j]),
                    ));
                }
                let m = DMatrix::from_row_slice(d, d, &self.scatter);
                let scale = m.diagonal().amax().max(1.0);
                if (0..d).any(|i| m[(i, i)] < -1e-9 * scale)
                    || (m.clone() - m.transpose()).amax() > 1e-6 * scale
                {
                    return Err(Error::invalid(
                        "share.scatter",
                        "is not a scatter matrix (symmetric, with a non-negative diagonal)",
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A short fingerprint of the numbers (FNV-1a over the client, counts and means): the same
    /// share sent twice is recognized.
    pub fn fingerprint(&self) -> String {
        let mut h = crate::fingerprint::Fnv1a::default();
        h.eat(&self.client.to_le_bytes());
        for s in &self.stats {
            h.eat(&s.class.to_le_bytes());
            h.eat(&s.count.to_le_bytes());
            for v in &s.mean {
                h.eat(&v.to_bits().to_le_bytes());
            }
        }
        for v in &self.scatter {
            h.eat(&v.to_bits().to_le_bytes());
        }
        h.hex()
    }

    /// The learner this share describes, to merge into a page's.
    pub(super) fn learner(&self, classes: usize) -> Result<Client> {
        let d = self.space.features as usize;
        let stats: Vec<(usize, u64, &[f64])> = self
            .stats
            .iter()
            .map(|s| (s.class as usize, s.count, s.mean.as_slice()))
            .collect();
        Ok(match self.learner {
            MergeLearner::Ncm => Client::Ncm(NearestClassMean::from_stats(d, classes, &stats)),
            MergeLearner::Slda => Client::Slda(StreamingLda::from_stats(
                d,
                classes,
                &stats,
                DMatrix::from_row_slice(d, d, &self.scatter),
            )?),
            MergeLearner::Analytic => return Err(analytic_refused("share.learner")),
        })
    }
}

fn json_of(v: &DataConfig) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

pub(super) fn analytic_refused(field: &str) -> Error {
    Error::invalid(
        field,
        "the analytic head cannot travel between pages: each page draws its random expansion \
         from its own first batch, so heads learned apart share no feature space (use ncm or \
         slda; runFederated merges analytic heads within one run)",
    )
}
