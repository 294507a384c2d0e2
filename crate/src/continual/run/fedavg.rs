//! FedAvg (McMahan et al. 2017) beside the merged prototypes of a federated run
//! ([`super::federated`]): every round each client trains the global MLP on its own classes for
//! `iterationsPerTask` Adam steps, and the global network becomes the clients' example-weighted
//! average; and the run's finding, merged prototypes against FedAvg, decided against the sampling
//! error of the test set.

use std::collections::BTreeMap;

use burn::module::Module;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;

use super::federated::{ClassScores, FederatedConfig, score};
use super::learner::pretrain;
use super::tensors;
use crate::Result;
use crate::continual::data::Dataset;
use crate::device;
use crate::model::mlp::MlpConfig;
use crate::pace::Pace;

/// Which of two learners scored higher, decided against the sampling error of the test set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FedAvgComparison {
    /// `merged`, `fedavg`, or `undecided` when the difference is within twice its sampling
    /// error.
    pub winner: String,
    /// The finding in one sentence, with its numbers.
    pub statement: String,
    pub evidence: crate::finding::Evidence,
}

impl FedAvgComparison {
    /// Merged prototypes (`merged`) against FedAvg (`fedavg`) on `n` test examples.
    pub(super) fn of(merged: f64, fedavg: f64, rounds: u32, n: u32) -> Self {
        use crate::finding::{Evidence, NoiseSource, binomial_se};
        let noise = binomial_se(merged, n).hypot(binomial_se(fedavg, n));
        let margin = (merged - fedavg).abs();
        let evidence = Evidence::against_noise(
            "accuracy on every class: merged prototypes minus FedAvg",
            margin,
            noise,
            NoiseSource::Binomial,
            n,
        );
        let pct = |a: f64| format!("{:.1}%", 100.0 * a);
        let after = format!(
            "FedAvg after {rounds} round{}",
            if rounds == 1 { "" } else { "s" }
        );
        let (winner, statement) = if !evidence.decided {
            (
                "undecided",
                format!(
                    "Merged prototypes ({}) and {after} ({}) differ by {:.1} points, within twice the sampling error of {n} test examples (±{:.1}): this run cannot tell them apart.",
                    pct(merged),
                    pct(fedavg),
                    100.0 * margin,
                    100.0 * noise
                ),
            )
        } else if merged > fedavg {
            (
                "merged",
                format!(
                    "Merged prototypes ({}) beat {after} ({}) by {:.1} points, more than twice the sampling error of {n} test examples (±{:.1}), with no gradient step.",
                    pct(merged),
                    pct(fedavg),
                    100.0 * margin,
                    100.0 * noise
                ),
            )
        } else {
            (
                "fedavg",
                format!(
                    "{after} ({}) beats the merged prototypes ({}) by {:.1} points, more than twice the sampling error of {n} test examples (±{:.1}).",
                    pct(fedavg),
                    pct(merged),
                    100.0 * margin,
                    100.0 * noise
                ),
            )
        };
        Self {
            winner: winner.to_owned(),
            statement,
            evidence,
        }
    }
}

/// FedAvg's global network after its last round.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FedAvgResult {
    pub scores: ClassScores,
    pub rounds: u32,
    /// Numbers (f32) each client sends per round: every weight of the network.
    pub numbers_per_round: u64,
}

/// FedAvg of the run's MLP on the raw inputs: `rounds` of local training from the global
/// network, each client on its own classes, then the example-weighted average of the clients'
/// weights.
pub(super) async fn fed_avg(
    config: &FederatedConfig,
    train: &Dataset,
    test: &Dataset,
    shares: &[Vec<u32>],
    compute: &device::Compute,
    pace: &mut Pace,
) -> Result<FedAvgResult> {
    let run = &config.run;
    let hidden: Vec<usize> = run.hidden.iter().map(|&w| w as usize).collect();
    let cfg = MlpConfig::new(train.dim, train.classes).with_hidden(hidden);
    let mut global =
        crate::model::seeded_on_cpu(&compute.train, u64::from(run.seed), |cpu| cfg.init(cpu));
    let mut rng = StdRng::seed_from_u64(u64::from(run.seed) ^ 0xFEDA_0000);
    let data: Vec<Dataset> = shares.iter().map(|s| train.with_classes(s)).collect();
    let total: usize = data.iter().map(Dataset::len).sum();
    let mut numbers = 0;
    for _ in 0..config.rounds {
        let mut sum: BTreeMap<String, (Vec<usize>, Vec<f32>)> = BTreeMap::new();
        for d in &data {
            let local = pretrain(global.clone(), d, run, compute, &mut rng, pace).await?;
            let weight = d.len() as f32 / total.max(1) as f32;
            let named = crate::icl::checkpoint::named_tensors(&local).await?;
            numbers = named.iter().map(|(_, _, v)| v.len() as u64).sum();
            for (name, shape, values) in named {
                let entry = sum
                    .entry(name)
                    .or_insert_with(|| (shape, vec![0.0; values.len()]));
                for (acc, v) in entry.1.iter_mut().zip(values) {
                    *acc += weight * v;
                }
            }
        }
        global = crate::icl::checkpoint::assign_named(global, &sum, &compute.train)?;
    }
    let (x, _) = tensors(test, &compute.train);
    let logits = device::read_f32(global.valid().forward(x), "FedAvg's predictions").await?;
    let scores: Vec<f64> = logits.into_iter().map(f64::from).collect();
    Ok(FedAvgResult {
        scores: score(&scores, test),
        rounds: config.rounds,
        numbers_per_round: numbers,
    })
}
