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

use serde::Serialize;

use super::federated::{ClassScores, Client, Features, FederatedConfig, MergeLearner, score};
use super::share::analytic_refused;
pub use super::share::{ClassStats, SHARE_FORMAT, Share, ShareSpace};
use crate::continual::data::Dataset;
use crate::continual::digits::Digits;
use crate::device;
use crate::pace::Pace;
use crate::{Error, Result};

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
