//! Learn apart, merge together (federated reconnaissance; docs/SCIENCE.md §3): N clients each
//! learn their own subset of the classes with a host learner (NCM, streaming LDA or the analytic
//! head) on one shared feature space (the raw inputs, or the frozen, seeded embedding every
//! client draws alike), then merge what they learned. Reported: each client's accuracy on the
//! union of the classes before the merge, the merged learner's, and a joint learner's that read
//! every client's data (the ceiling), each overall and per class, with the numbers a client
//! sends per class. The three learners merge exactly, so merged and joint agree up to rounding:
//! the run reports the largest difference of their scores as its evidence. Against them, FedAvg
//! of the run's MLP ([`super::fedavg`]).

use burn::module::Module;
use serde::{Deserialize, Serialize};

use super::fedavg::fed_avg;
pub use super::fedavg::{FedAvgComparison, FedAvgResult};
use super::learner::embed_set;
pub use super::merging::ClassScores;
pub(super) use super::merging::{Client, score};
use super::{ClConfig, Embedding};
use crate::continual::data::Dataset;
use crate::continual::digits::Digits;
use crate::device;
use crate::model::mlp::MlpConfig;
use crate::pace::Pace;
use crate::schema::Field;
use crate::{Error, Result};

/// Clients of a federated run.
pub const CLIENTS: Field = Field::int("clients", 2, 8);
/// A classroom client's number (0 to 7; below `clients`).
pub const CLIENT: Field = Field::int("client", 0, 7);
/// FedAvg's rounds of local training and averaging (0: no FedAvg).
pub const ROUNDS: Field = Field::int("rounds", 0, 1000);

/// How the classes are dealt to the clients.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientSplit {
    /// Class c goes to client c mod N: no class is learned twice.
    #[default]
    Disjoint,
    /// As disjoint, and each client also learns the first class of the next client's share.
    Overlapping,
}

impl ClientSplit {
    pub const ALL: [Self; 2] = [Self::Disjoint, Self::Overlapping];

    pub fn title(self) -> &'static str {
        match self {
            Self::Disjoint => "disjoint: every class to one client",
            Self::Overlapping => {
                "overlapping: each client also learns one of the next client's classes"
            }
        }
    }
}

/// The learners that merge exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MergeLearner {
    /// Nearest class mean.
    #[default]
    Ncm,
    /// Streaming linear discriminant analysis.
    Slda,
    /// The analytic (ridge) head on a shared random expansion.
    Analytic,
}

impl MergeLearner {
    pub const ALL: [Self; 3] = [Self::Ncm, Self::Slda, Self::Analytic];

    pub fn title(self) -> &'static str {
        match self {
            Self::Ncm => "nearest class mean (prototypes)",
            Self::Slda => "streaming LDA (prototypes and a shared covariance)",
            Self::Analytic => "analytic head (ridge regression on a random expansion)",
        }
    }

    /// Whether what it learned can travel between pages (a share): the analytic head's random
    /// expansion is each page's own, so heads learned in different pages do not merge.
    pub fn travels(self) -> bool {
        !matches!(self, Self::Analytic)
    }
}

/// A federated run's settings: the learner, the data and features of a continual run, the
/// clients and their split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FederatedConfig {
    /// What every client learns with. Default: ncm.
    pub learner: MergeLearner,
    /// The data and the features, as a continual run's config: `dataset`, `embedding` (raw or
    /// frozen), `features` and `ridge` (analytic), `hidden`, `learningRate`, `batchSize` and
    /// `iterationsPerTask` (FedAvg's MLP), `device`, `seed`; its stream and strategy settings
    /// are not used. Default: 2-D blobs of 6 classes.
    pub run: ClConfig,
    /// 2 to 8. Default: 3.
    pub clients: u32,
    /// Default: disjoint.
    pub split: ClientSplit,
    /// FedAvg of the MLP: rounds of `iterationsPerTask` local steps per client, each followed by
    /// averaging; 0 leaves FedAvg out. Default: 5.
    pub rounds: u32,
}

impl Default for FederatedConfig {
    fn default() -> Self {
        Self {
            learner: MergeLearner::Ncm,
            run: ClConfig::default(),
            clients: 3,
            split: ClientSplit::Disjoint,
            rounds: 5,
        }
    }
}

impl FederatedConfig {
    pub fn from_json(text: &str) -> Result<Self> {
        let config: Self =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(text))?;
        config.validate().map(|()| config)
    }

    pub fn validate(&self) -> Result<()> {
        self.run.validate().map_err(|e| e.within("run"))?;
        CLIENTS.check_u32(self.clients)?;
        ROUNDS.check_u32(self.rounds)?;
        if self.run.strategy != ClConfig::default().strategy {
            return Err(Error::invalid(
                "run.strategy",
                format!(
                    "is not used by a federated run (`{}` given): its learner is `learner` (ncm, slda or analytic)",
                    self.run.strategy.name()
                ),
            ));
        }
        if self.run.embedding == Embedding::Learned {
            return Err(Error::invalid(
                "run.embedding",
                "a learned embedding is trained on each client's own first task, so the clients' \
                 features would not live in one space: use raw or frozen",
            ));
        }
        Ok(())
    }

    /// The classes each client learns, of `classes` in all.
    pub fn shares(&self, classes: usize) -> Result<Vec<Vec<u32>>> {
        let n = self.clients as usize;
        if classes < n {
            return Err(Error::invalid(
                "clients",
                format!("{n} clients need at least {n} classes, the dataset has {classes}"),
            ));
        }
        let mut shares: Vec<Vec<u32>> = (0..n)
            .map(|i| (i..classes).step_by(n).map(|c| c as u32).collect())
            .collect();
        if self.split == ClientSplit::Overlapping {
            for i in 0..n {
                let next = shares[(i + 1) % n][0];
                shares[i].push(next);
            }
        }
        Ok(shares)
    }
}

/// One client before the merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClientResult {
    /// The classes it learned.
    pub classes: Vec<u32>,
    pub scores: ClassScores,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FederatedResult {
    pub classes: u32,
    /// Features the learner reads (2 raw 2-D points, the embedding's width, …).
    pub features: u32,
    pub clients: Vec<ClientResult>,
    /// Every client's learner merged into one.
    pub merged: ClassScores,
    /// One learner that read every client's data: the ceiling.
    pub joint: ClassScores,
    /// The largest difference between the merged and the joint learner's scores on the test set
    /// (exact merges: rounding only).
    pub merge_error: f64,
    /// Numbers (f32) a client sends per class it learned, and once whatever its classes (SLDA's
    /// shared covariance).
    pub numbers_per_class: u64,
    pub numbers_shared: u64,
    /// FedAvg of the MLP on the same clients, unless `rounds` is 0.
    pub fedavg: Option<FedAvgResult>,
    /// Test examples every accuracy above was measured on.
    pub test_examples: u32,
    /// The merged learner against FedAvg on the same clients (no FedAvg: none).
    pub versus_fedavg: Option<FedAvgComparison>,
}

/// A run's data as generated and as its learners read it: one feature space for every client
/// (the inputs, or the seeded frozen network every client draws alike).
pub(super) struct Features {
    pub raw_train: Dataset,
    pub raw_test: Dataset,
    pub train: Dataset,
    pub test: Dataset,
}

impl Features {
    pub(super) async fn of(
        run: &ClConfig,
        digits: Option<&Digits>,
        compute: &device::Compute,
    ) -> Result<Self> {
        let (raw_train, raw_test) = run.dataset.generate(digits)?;
        let embed = match run.embedding {
            Embedding::Frozen => {
                let hidden: Vec<usize> = run.hidden.iter().map(|&w| w as usize).collect();
                let cfg = MlpConfig::new(raw_train.dim, raw_train.classes).with_hidden(hidden);
                Some(
                    crate::model::seeded_on_cpu(&compute.train, u64::from(run.seed), |cpu| {
                        cfg.init(cpu)
                    })
                    .valid(),
                )
            }
            _ => None,
        };
        let train = embed_set(embed.as_ref(), &raw_train, &compute.infer).await?;
        let test = embed_set(embed.as_ref(), &raw_test, &compute.infer).await?;
        Ok(Self {
            raw_train,
            raw_test,
            train,
            test,
        })
    }
}

/// The whole run: clients learn apart, then merge; the joint learner alongside.
pub async fn run_federated(
    config: &FederatedConfig,
    digits: Option<&Digits>,
) -> Result<FederatedResult> {
    run_federated_paced(config, digits, &mut Pace::free()).await
}

/// [`run_federated`] that gives way (and may be cancelled) between clients and training steps.
pub async fn run_federated_paced(
    config: &FederatedConfig,
    digits: Option<&Digits>,
    pace: &mut Pace,
) -> Result<FederatedResult> {
    config.validate()?;
    let run = &config.run;
    let compute = device::open(run.device).await?;
    let data = Features::of(run, digits, &compute).await?;
    let (raw_train, raw_test, train, test) =
        (&data.raw_train, &data.raw_test, data.train, data.test);
    let classes = train.classes;
    let shares = config.shares(classes)?;
    let batch = run.batch_size as usize;

    let mut clients: Vec<Client> = Vec::with_capacity(shares.len());
    for share in &shares {
        pace.tick().await?;
        let mut client = Client::new(config.learner, run, train.dim, classes);
        // the analytic heads share the first client's random expansion (each would otherwise
        // draw its own from its first batch, and those do not merge)
        if let (Client::Analytic(head), Some(Client::Analytic(first))) =
            (&mut client, clients.first())
        {
            *head = head.clone().sharing_expansion(first)?;
        }
        client.observe(&train.with_classes(share), batch)?;
        clients.push(client);
    }
    let before: Vec<ClientResult> = clients
        .iter()
        .zip(&shares)
        .map(|(c, share)| ClientResult {
            classes: share.clone(),
            scores: score(&c.scores(&test), &test),
        })
        .collect();

    let (first, rest) = clients.split_first_mut().expect("at least two clients");
    for other in rest.iter() {
        first.merge(other)?;
    }
    let merged_scores = first.scores(&test);

    let mut joint = Client::new(config.learner, run, train.dim, classes);
    if let (Client::Analytic(head), Client::Analytic(shared)) = (&mut joint, &*first) {
        *head = head.clone().sharing_expansion(shared)?;
    }
    for share in &shares {
        // a class two clients learned is in the joint learner's data twice, as in theirs
        joint.observe(&train.with_classes(share), batch)?;
    }
    let joint_scores = joint.scores(&test);
    let merge_error = merged_scores
        .iter()
        .zip(&joint_scores)
        .filter(|(a, b)| a.is_finite() || b.is_finite())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);

    let d = train.dim as u64;
    let (numbers_per_class, numbers_shared) = match config.learner {
        MergeLearner::Ncm => (d + 1, 0),
        MergeLearner::Slda => (d + 1, d * d),
        MergeLearner::Analytic => {
            let f = u64::from(run.features);
            (f * f + f, 0)
        }
    };
    let fedavg = if config.rounds == 0 {
        None
    } else {
        Some(fed_avg(config, raw_train, raw_test, &shares, &compute, pace).await?)
    };
    let merged = score(&merged_scores, &test);
    let test_examples = test.len() as u32;
    let versus_fedavg = fedavg
        .as_ref()
        .map(|f| FedAvgComparison::of(merged.accuracy, f.scores.accuracy, f.rounds, test_examples));
    Ok(FederatedResult {
        classes: classes as u32,
        features: train.dim as u32,
        clients: before,
        merged,
        joint: score(&joint_scores, &test),
        merge_error,
        numbers_per_class,
        numbers_shared,
        fedavg,
        test_examples,
        versus_fedavg,
    })
}
