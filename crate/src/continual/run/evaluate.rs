//! Continual evaluation: every task's test subset scored at once (one read-back), accuracy per
//! task under each task's allowed classes, and the divergence check on the outputs; plus the
//! analytic head's exact unlearning, which evaluates again at the same step.

use burn::module::Module;

use super::ClRun;
use super::learner::Learner;
use crate::device;
use crate::{Error, Result};

/// Non-finite outputs mean training blew up: the run stops instead of scoring garbage.
pub(super) fn finite_outputs(step: u32, scores: &[f64]) -> Result<()> {
    match scores.iter().find(|v| !v.is_finite()) {
        None => Ok(()),
        Some(&value) => Err(Error::Diverged {
            step,
            what: "the network's outputs",
            value,
        }),
    }
}

/// Index of the best score among `allowed` (all when `None`); `None` when no allowed class can
/// be predicted (every score −∞: a prototype learner that has seen none of them), so an
/// untrained learner is not credited with the accuracy of a tie-break.
pub(super) fn best(row: &[f64], allowed: Option<&[u32]>) -> Option<usize> {
    let ok = |c: usize| allowed.is_none_or(|a| a.contains(&(c as u32)));
    (0..row.len())
        .filter(|&c| ok(c) && row[c] > f64::NEG_INFINITY)
        .max_by(|&a, &b| row[a].total_cmp(&row[b]))
}

impl ClRun {
    /// Accuracy on every task's test subset now, and on each class's test examples (every task's
    /// together).
    pub(super) async fn evaluate(&self) -> Result<(Vec<f64>, Vec<f64>)> {
        let classes = self.curves_classes();
        let scores: Vec<f64> = match &self.learner {
            Learner::Net(net) => {
                // sync point: one read-back per evaluation
                device::read_f32(
                    net.model.valid().forward(self.test_inputs.clone()),
                    "logits",
                )
                .await?
                .into_iter()
                .map(f64::from)
                .collect()
            }
            Learner::Proto(p) => {
                let z = p.model.valid().forward(self.test_inputs.clone());
                // sync point: one read-back per evaluation
                device::read_f32(p.prototypes.logits(z), "logits")
                    .await?
                    .into_iter()
                    .map(f64::from)
                    .collect()
            }
            Learner::Host(host) => host
                .test
                .iter()
                .flat_map(|d| host.learner.scores(d))
                .collect(),
        };
        match &self.learner {
            Learner::Net(_) => finite_outputs(self.step, &scores)?,
            // −∞ is a prototype learner's "no prototype for this class yet"; NaN is never valid.
            Learner::Proto(_) => {
                let nan: Vec<f64> = scores
                    .iter()
                    .copied()
                    .filter(|v| v.is_nan())
                    .take(1)
                    .collect();
                finite_outputs(self.step, &nan)?;
            }
            Learner::Host(_) => {}
        }
        let labels = self.stream.tasks.iter().flat_map(|t| t.test.labels.iter());
        let correct: Vec<bool> = scores
            .chunks_exact(classes)
            .zip(labels)
            .enumerate()
            .map(|(i, (row, &label))| {
                let task = self.spans.iter().position(|&(a, b)| (a..b).contains(&i));
                let head = task.map(|t| self.heads.allowed[t].as_slice());
                best(row, head) == Some(label as usize)
            })
            .collect();
        let tasks = self
            .spans
            .iter()
            .map(|&(a, b)| {
                correct[a..b].iter().filter(|&&c| c).count() as f64 / (b - a).max(1) as f64
            })
            .collect();
        let mut per_class = vec![(0usize, 0usize); classes];
        let labels = self.stream.tasks.iter().flat_map(|t| t.test.labels.iter());
        for (&ok, &label) in correct.iter().zip(labels) {
            let (right, seen) = &mut per_class[label as usize];
            *right += usize::from(ok);
            *seen += 1;
        }
        let classes = per_class
            .into_iter()
            .map(|(right, seen)| right as f64 / seen.max(1) as f64)
            .collect();
        Ok((tasks, classes))
    }

    /// Forgets class `c` exactly, as if it had never been trained on (the analytic head; other
    /// learners refuse), and evaluates every task again at the same step. Once the stream is
    /// done, the result's last matrix row and its metrics are the learner's after it
    /// ([`ClResult::unlearned`](super::ClResult::unlearned)).
    pub async fn unlearn(&mut self, c: u32) -> Result<()> {
        super::UNLEARN_CLASS.check_u32(c)?;
        self.compute.ensure_alive()?;
        let Learner::Host(host) = &mut self.learner else {
            return Err(Error::invalid(
                "strategy",
                format!(
                    "{} cannot unlearn a class; the analytic head can",
                    self.config.strategy.name()
                ),
            ));
        };
        host.learner.unlearn(c as usize)?;
        let (acc, classes) = self.evaluate().await?;
        self.class_accuracy = classes;
        for (curve, a) in self.curves.iter_mut().zip(acc) {
            curve.push(a);
        }
        self.iterations.push(self.step);
        self.unlearned.push(c);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_outputs_stop_the_run() {
        assert!(finite_outputs(3, &[0.1, -2.0]).is_ok());
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = finite_outputs(9, &[0.5, bad]).expect_err("must stop");
            assert_eq!(err.code(), "diverged");
            let message = err.to_string();
            assert!(
                message.contains("step 9") && message.contains("outputs"),
                "{message}"
            );
        }
    }
}
