//! When a training run reports and evaluates: a report every `every` steps, an evaluation each
//! time the model's step reaches or passes a multiple of `eval_every`, and one at the run's last
//! step. Counted on the model's own step, so a resumed run keeps its cadence. The CLI's training
//! loops and the package's `train()` streams follow it: each of their calls trains one report's
//! worth and evaluates when [`Cadence::evaluates`] says so ([`Trained`]).

use serde::Serialize;

use crate::schema::Field;

/// Steps per report, as a caller asks for them.
pub const EVERY: Field = Field::int("every", 1, 100_000);
/// Steps between evaluations (0: only at the run's last step).
pub const EVAL_EVERY: Field = Field::int("evalEvery", 0, super::MAX_STEP);
/// The model step a run trains until.
pub const END: Field = Field::int("end", 1, super::MAX_STEP);
/// Steps a `train()` stream still has to train (its calls' `end` is the model's step plus these,
/// so streams on one model each train their own count).
pub const STREAM_STEPS: Field = Field::int("steps", 1, super::MAX_STEP);

/// A run's reporting and evaluation cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// Steps per report (at least 1).
    pub every: u32,
    /// Steps between evaluations; 0: only at the run's last step.
    pub eval_every: u32,
}

impl Cadence {
    /// Steps of the next report for a model at step `at` that trains until step `end`; 0 once
    /// it is there.
    pub fn chunk(&self, at: u32, end: u32) -> u32 {
        self.every.max(1).min(end.saturating_sub(at))
    }

    /// [`Self::chunk`], refusing a run that is already at its end (a call would train nothing).
    pub fn next(&self, at: u32, end: u32) -> crate::Result<u32> {
        match self.chunk(at, end) {
            0 => Err(crate::Error::invalid(
                END.name,
                format!("the model is at step {at}, already at or past the run's end {end}"),
            )),
            n => Ok(n),
        }
    }

    /// Whether the report at step `after` (trained from `before`, until `end`) comes with an
    /// evaluation: a multiple of `eval_every` was reached or passed, or the run is at its end.
    pub fn evaluates(&self, before: u32, after: u32, end: u32) -> bool {
        after >= end || (self.eval_every > 0 && after / self.eval_every > before / self.eval_every)
    }
}

/// One report of a run trained on a cadence, with the evaluation the cadence asked for (none
/// between evaluations, or when the caller asked for none): what a `train()` stream yields.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trained<R, E> {
    pub report: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<E>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The steps at which a run from `start` to `end` reports, and those that evaluate.
    fn run(c: Cadence, start: u32, end: u32) -> (Vec<u32>, Vec<u32>) {
        let (mut at, mut reports, mut evaluations) = (start, Vec::new(), Vec::new());
        loop {
            let n = c.chunk(at, end);
            if n == 0 {
                return (reports, evaluations);
            }
            reports.push(at + n);
            if c.evaluates(at, at + n, end) {
                evaluations.push(at + n);
            }
            at += n;
        }
    }

    #[test]
    fn evaluations_land_on_the_reports_that_reach_a_multiple_and_the_last() {
        let c = Cadence {
            every: 100,
            eval_every: 250,
        };
        let (reports, evaluations) = run(c, 0, 700);
        assert_eq!(reports, vec![100, 200, 300, 400, 500, 600, 700]);
        assert_eq!(evaluations, vec![300, 500, 700]);
        // every report when they are as often as the reports (the classifier's sweeps)
        let c = Cadence {
            every: 500,
            eval_every: 500,
        };
        assert_eq!(run(c, 0, 1200).1, vec![500, 1000, 1200]);
        // 0: only the last
        let c = Cadence {
            every: 10,
            eval_every: 0,
        };
        assert_eq!(run(c, 0, 35).1, vec![35]);
    }

    /// A run resumed at step 130 evaluates at the same multiples as one that never stopped.
    #[test]
    fn a_resumed_run_keeps_its_cadence() {
        let c = Cadence {
            every: 50,
            eval_every: 200,
        };
        let whole = run(c, 0, 600).1;
        let resumed = run(c, 130, 600).1;
        assert_eq!(whole, vec![200, 400, 600]);
        assert_eq!(resumed, vec![230, 430, 600]);
        // reports fall on `every` from where the run resumed; the evaluations on the first
        // report at or past each multiple
        assert!(
            resumed
                .iter()
                .zip(&whole)
                .all(|(r, w)| r >= w && r - w < c.every)
        );
    }
}
