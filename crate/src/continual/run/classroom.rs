//! Learn apart, merge together across real browsers (docs/SCIENCE.md §3, federated
//! reconnaissance): one page is one client. It learns its own share of the classes
//! ([`FederatedClient::learn`]), writes what it learned as a [`Share`] (a small JSON file or
//! link: each class's count and mean, and SLDA's pooled scatter), and folds in the shares other
//! pages send ([`FederatedClient::merge`]): after every other client's share it is exactly the
//! learner that read all their data. No server, no gradient step.
//!
//! A share is checked before it changes anything: its format, its learner, the feature space it
//! was learned in (the dataset, and for a frozen embedding its widths and seed — prototypes from
//! another space are meaningless here), every number's count and finiteness, and that it is not
//! this page's own share or one already merged. The analytic head does not travel: each page
//! draws its random expansion from its own first batch, so heads learned in different pages do
//! not share a feature space (`runFederated` merges it within one run, on one expansion).

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::federated::{ClassScores, Client, Features, FederatedConfig, MergeLearner, score};
use super::{ClConfig, DataConfig, Embedding};
use crate::continual::data::Dataset;
use crate::continual::digits::Digits;
use crate::continual::learners::{NearestClassMean, StreamingLda};
use crate::device;
use crate::pace::Pace;
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
    fn of(run: &ClConfig, features: usize) -> Self {
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
    fn check(&self, theirs: &Self) -> Result<()> {
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
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(&self.client.to_le_bytes());
        for s in &self.stats {
            eat(&s.class.to_le_bytes());
            eat(&s.count.to_le_bytes());
            for v in &s.mean {
                eat(&v.to_bits().to_le_bytes());
            }
        }
        for v in &self.scatter {
            eat(&v.to_bits().to_le_bytes());
        }
        format!("{h:016x}")
    }

    /// The learner this share describes, to merge into a page's.
    fn learner(&self, classes: usize) -> Result<Client> {
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

fn analytic_refused(field: &str) -> Error {
    Error::invalid(
        field,
        "the analytic head cannot travel between pages: each page draws its random expansion \
         from its own first batch, so heads learned apart share no feature space (use ncm or \
         slda; runFederated merges analytic heads within one run)",
    )
}

/// A share this client has merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MergedShare {
    pub client: u32,
    /// The classes it brought.
    pub classes: Vec<u32>,
    pub fingerprint: String,
}

/// One page's client as it stands: what it learned, what it has merged, how it scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClientState {
    pub client: u32,
    pub clients: u32,
    pub classes: u32,
    pub features: u32,
    /// The classes this page learned from its own data.
    pub own: Vec<u32>,
    /// Every class the learner now knows (its own and the merged shares').
    pub known: Vec<u32>,
    pub merged: Vec<MergedShare>,
    /// Accuracy on the test set of every class with this page's data alone.
    pub alone: ClassScores,
    /// Accuracy on it now, after the merges.
    pub now: ClassScores,
    /// Bytes of this page's share as JSON (what a file or link carries).
    pub share_bytes: u64,
    /// Numbers (f32 each) the share needs per class, and once (SLDA's scatter).
    pub numbers_per_class: u64,
    pub numbers_shared: u64,
}

/// One client of a classroom: learns its share of the classes here, merges others' shares.
pub struct FederatedClient {
    config: FederatedConfig,
    client: u32,
    learner: Client,
    own: Vec<u32>,
    share: Share,
    test: Dataset,
    alone: ClassScores,
    merged: Vec<MergedShare>,
}

impl FederatedClient {
    /// Client `client` of `config.clients` learns its classes (`config.shares`).
    pub async fn learn(
        config: &FederatedConfig,
        client: u32,
        digits: Option<&Digits>,
        pace: &mut Pace,
    ) -> Result<Self> {
        config.validate()?;
        if config.learner == MergeLearner::Analytic {
            return Err(analytic_refused("learner"));
        }
        if client >= config.clients {
            return Err(Error::invalid(
                "client",
                format!(
                    "client {client} of {} clients (they are numbered from 0)",
                    config.clients
                ),
            ));
        }
        let run = &config.run;
        let compute = device::open(run.device).await?;
        pace.tick().await?;
        let data = Features::of(run, digits, &compute).await?;
        let classes = data.train.classes;
        let mut own = config.shares(classes)?.swap_remove(client as usize);
        own.sort_unstable();
        let mut learner = Client::new(config.learner, run, data.train.dim, classes);
        pace.tick().await?;
        learner.observe(&data.train.with_classes(&own), run.batch_size as usize)?;
        let share = Self::share_of(config, client, &learner, &own, data.train.dim, classes);
        let alone = score(&learner.scores(&data.test), &data.test);
        Ok(Self {
            config: config.clone(),
            client,
            learner,
            own,
            share,
            test: data.test,
            alone,
            merged: vec![],
        })
    }

    fn share_of(
        config: &FederatedConfig,
        client: u32,
        learner: &Client,
        own: &[u32],
        dim: usize,
        classes: usize,
    ) -> Share {
        let (stats, scatter) = match learner {
            Client::Ncm(l) => (
                own.iter()
                    .filter_map(|&c| {
                        l.mean(c as usize).map(|m| ClassStats {
                            class: c,
                            count: l.counts()[c as usize],
                            mean: m.to_vec(),
                        })
                    })
                    .collect(),
                vec![],
            ),
            Client::Slda(l) => (
                own.iter()
                    .filter(|&&c| l.counts()[c as usize] > 0)
                    .map(|&c| ClassStats {
                        class: c,
                        count: l.counts()[c as usize],
                        mean: l.mean(c as usize).iter().copied().collect(),
                    })
                    .collect(),
                // row-major (the matrix is symmetric, so either order reads alike)
                l.scatter().transpose().iter().copied().collect(),
            ),
            Client::Analytic(_) => (vec![], vec![]),
        };
        Share {
            format: SHARE_FORMAT.into(),
            learner: config.learner,
            space: ShareSpace::of(&config.run, dim),
            client,
            clients: config.clients,
            classes: classes as u32,
            stats,
            scatter,
        }
    }

    /// What this page learned from its own data, to send.
    pub fn share(&self) -> &Share {
        &self.share
    }

    /// Checks `share` against this page (learner, space, not its own, not merged before) and
    /// folds it in; nothing changes when it is refused.
    pub fn merge(&mut self, share: &Share) -> Result<()> {
        share.validate()?;
        if share.learner != self.config.learner {
            return Err(Error::invalid(
                "share.learner",
                format!(
                    "the share holds a {} learner, this client learns with {}",
                    learner_name(share.learner),
                    learner_name(self.config.learner)
                ),
            ));
        }
        self.share.space.check(&share.space)?;
        if share.classes != self.share.classes {
            return Err(Error::invalid(
                "share.classes",
                format!(
                    "the share's dataset has {} classes, this client's {}",
                    share.classes, self.share.classes
                ),
            ));
        }
        let fingerprint = share.fingerprint();
        if fingerprint == self.share.fingerprint() {
            return Err(Error::invalid(
                "share",
                "holds exactly this client's own statistics (its own share, or the same client's learned on the same data elsewhere): merging it would count those examples twice",
            ));
        }
        if let Some(m) = self.merged.iter().find(|m| m.fingerprint == fingerprint) {
            return Err(Error::invalid(
                "share",
                format!(
                    "client {}'s share is merged already: merging it again would count its examples twice",
                    m.client
                ),
            ));
        }
        let theirs = share.learner(self.share.classes as usize)?;
        let mut merged = match &self.learner {
            Client::Ncm(l) => Client::Ncm(l.clone()),
            Client::Slda(l) => Client::Slda(l.clone()),
            Client::Analytic(_) => return Err(analytic_refused("learner")),
        };
        merged.merge(&theirs)?;
        self.learner = merged;
        self.merged.push(MergedShare {
            client: share.client,
            classes: share.stats.iter().map(|s| s.class).collect(),
            fingerprint,
        });
        Ok(())
    }

    pub fn state(&self) -> ClientState {
        let d = u64::from(self.share.space.features);
        let known = match &self.learner {
            Client::Ncm(l) => l.counts().to_vec(),
            Client::Slda(l) => l.counts().to_vec(),
            Client::Analytic(_) => vec![],
        };
        ClientState {
            client: self.client,
            clients: self.config.clients,
            classes: self.share.classes,
            features: self.share.space.features,
            own: self.own.clone(),
            known: (0..known.len() as u32)
                .filter(|&c| known[c as usize] > 0)
                .collect(),
            merged: self.merged.clone(),
            alone: self.alone.clone(),
            now: score(&self.learner.scores(&self.test), &self.test),
            share_bytes: self.share.to_json().len() as u64,
            numbers_per_class: d + 1,
            numbers_shared: if self.config.learner == MergeLearner::Slda {
                d * d
            } else {
                0
            },
        }
    }
}

fn learner_name(l: MergeLearner) -> &'static str {
    match l {
        MergeLearner::Ncm => "nearest-class-mean",
        MergeLearner::Slda => "streaming LDA",
        MergeLearner::Analytic => "analytic",
    }
}
