//! What the learner, as trained so far, answers for inputs a visitor gives it (a digit drawn on
//! a canvas): its scores for every class, and for the learners whose outputs are logits trained
//! with cross-entropy, the softmax of them.

use burn::module::Module;
use serde::Serialize;

use super::evaluate::best;
use super::{ClRun, Learner, tensors};
use crate::continual::data::Dataset;
use crate::continual::run::learner::embed_set;
use crate::device;
use crate::schema::Field;
use crate::{Error, Result};

/// Any one input value: the datasets' features are scaled to small numbers.
pub const INPUT_VALUE: Field = Field::real("input", -1e4, 1e4);

/// The learner's answer for one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Answered {
    /// The class it answers (the highest score).
    pub answer: u32,
    /// Its score for every class, as the learner computes it (logits for networks; for the
    /// prototype and analytic learners their own scores; `null` for a class it cannot answer
    /// yet).
    pub scores: Vec<Option<f64>>,
    /// The softmax of the logits, for the learners trained with cross-entropy (networks and
    /// prototypical networks); `null` for the others, whose scores are not probabilities.
    pub probabilities: Option<Vec<f64>>,
}

impl ClRun {
    /// Every class's score for every example of `set`, `[n, classes]` row-major.
    pub(super) async fn scores(&self, set: &Dataset) -> Result<Vec<f64>> {
        let infer = &self.compute.infer;
        Ok(match &self.learner {
            Learner::Net(net) => {
                let (x, _) = tensors(set, infer);
                device::read_f32(net.model.valid().forward(x), "scores")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Proto(p) => {
                let (x, _) = tensors(set, infer);
                let z = p.model.valid().forward(x);
                device::read_f32(p.prototypes.logits(z), "scores")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Host(host) => {
                let seen = embed_set(host.embed.as_ref(), set, infer).await?;
                host.learner.scores(&seen)
            }
        })
    }

    /// What the learner answers for `input` (as many values as the dataset's features).
    pub async fn answer(&self, input: &[f32]) -> Result<Answered> {
        self.compute.ensure_alive()?;
        let dim = self.stream.tasks[0].test.dim;
        if input.len() != dim {
            return Err(Error::invalid(
                "input",
                format!("{} values; this run's examples have {dim}", input.len()),
            ));
        }
        for (i, &v) in input.iter().enumerate() {
            INPUT_VALUE.check_as(&format!("input[{i}]"), f64::from(v))?;
        }
        let classes = self.curves_classes();
        let set = Dataset {
            inputs: input.to_vec(),
            labels: vec![0],
            dim,
            classes,
            image: None,
        };
        let row = self.scores(&set).await?;
        let answer = best(&row, None).unwrap_or(0) as u32;
        let scores: Vec<Option<f64>> = row.iter().map(|&v| v.is_finite().then_some(v)).collect();
        let probabilities = match self.learner {
            Learner::Net(_) | Learner::Proto(_) => {
                let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = row.iter().map(|&v| (v - top).exp()).collect();
                let sum: f64 = e.iter().sum();
                Some(e.into_iter().map(|v| v / sum).collect())
            }
            Learner::Host(_) => None,
        };
        Ok(Answered {
            answer,
            scores,
            probabilities,
        })
    }
}
