//! A recorded classification run (`iclab classify train | sweep`): its evaluations over training
//! and what it ended as. The sweep files the site ships (`classify/*.json`) hold these; the
//! findings over them are computed in [`super::phase`] and [`super::transience`].

use serde::{Deserialize, Serialize};

use super::session::{ClassifyEvaluation, copying_is_the_task, emergence_bar, emergence_step};

/// One evaluation of a run, with the mean loss of the steps before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ClassifyPoint"))]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub step: u32,
    pub loss: f64,
    pub in_context: f64,
    pub in_weights: f64,
    /// Reddy's context-label accuracy on the in-context sequences (mass on context labels).
    #[serde(with = "crate::finding::nullable", default = "nan")]
    #[cfg_attr(test, ts(type = "number | null"))]
    pub context_label_accuracy: f64,
    /// Reddy's induction scores (absent for the xLSTM).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label_to_item: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub query_to_match: Option<f64>,
}

fn nan() -> f64 {
    f64::NAN
}

impl Point {
    pub fn of(e: &ClassifyEvaluation, loss: f64) -> Self {
        Self {
            step: e.step,
            loss,
            in_context: e.in_context,
            in_weights: e.in_weights,
            context_label_accuracy: e.context_label_accuracy,
            label_to_item: e.induction.map(|i| i.label_to_item),
            query_to_match: e.induction.map(|i| i.query_to_match),
        }
    }
}

/// Which strategy a run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ClassifyWinner"))]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// In-context accuracy past its emergence bar (halfway from the label-copying base to 1);
    /// in-weights accuracy not past its own (halfway from chance to 1).
    InContext,
    /// B = N: the context holds a single class and the model answers with its label (in-context
    /// accuracy past halfway from chance), which needs no induction head; in-weights not past its
    /// bar.
    Copying,
    /// In-weights accuracy past halfway from chance to 1; in-context not past its bar.
    InWeights,
    Both,
    Neither,
}

impl Strategy {
    /// Words for a sentence: "in-context learning".
    pub fn words(self) -> &'static str {
        match self {
            Self::InContext => "in-context learning",
            Self::Copying => "copying the context's only label",
            Self::InWeights => "in-weights learning",
            Self::Both => "both",
            Self::Neither => "neither",
        }
    }
}

/// The strategy of a run that ended at these accuracies: each is "learned" when past halfway from
/// what needs no learning (in context: `base`, copying a context label or chance; in weights:
/// `chance`) to perfect.
pub fn winner(in_context: f64, in_weights: f64, base: f64, chance: f64) -> Strategy {
    match (
        in_context >= emergence_bar(base, chance),
        in_weights >= emergence_bar(chance, chance),
    ) {
        (true, true) => Strategy::Both,
        (true, false) if copying_is_the_task(base) => Strategy::Copying,
        (true, false) => Strategy::InContext,
        (false, true) => Strategy::InWeights,
        (false, false) => Strategy::Neither,
    }
}

/// A whole run: its setting, its curve, and what it ended as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ClassifyRunRecord"))]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub classes: u32,
    pub burstiness: u32,
    pub noise: f64,
    pub weight_decay: f64,
    pub seed: u32,
    pub steps: u32,
    /// Sequences per evaluation split (the sampling error of each accuracy).
    pub prompts: u32,
    /// 1/L.
    pub chance: f64,
    /// What in-context accuracy is without an induction head: max(1/L, B/N).
    pub base: f64,
    pub curve: Vec<Point>,
    /// The first evaluation with in-context accuracy halfway from `base` to perfect.
    pub emergence_step: Option<u32>,
    /// The largest in-context accuracy of the run and its step.
    pub peak_in_context: f64,
    pub peak_step: u32,
    pub final_in_context: f64,
    pub final_in_weights: f64,
    pub winner: Strategy,
    /// The last evaluation (its attention at the query: the heatmap of the run's end).
    pub final_evaluation: ClassifyEvaluation,
    pub wall_seconds: f64,
}

impl Run {
    /// The emergence step of this run's curve by the current rule ([`emergence_bar`]).
    pub fn emergence(&self) -> Option<u32> {
        let history: Vec<(u32, f64)> = self.curve.iter().map(|p| (p.step, p.in_context)).collect();
        emergence_step(&history, emergence_bar(self.base, self.chance))
    }

    /// Recomputes what the record derives from its curve and last accuracies (the emergence step
    /// and the winner) by the current rules: a stored run keeps its measurements and is judged
    /// as a fresh one would be.
    pub fn refresh(&mut self) {
        self.emergence_step = self.emergence();
        self.winner = winner(
            self.final_in_context,
            self.final_in_weights,
            self.base,
            self.chance,
        );
        self.final_evaluation.emergence_bar = emergence_bar(self.base, self.chance);
        self.final_evaluation.emergence_step = self.emergence_step;
    }

    /// The record of a run of `config` whose evaluations were `curve`, the last one `last`.
    pub fn new(
        config: &super::ClassifyConfig,
        prompts: u32,
        curve: Vec<Point>,
        last: ClassifyEvaluation,
        wall_seconds: f64,
    ) -> Self {
        let peak = curve
            .iter()
            .max_by(|a, b| a.in_context.total_cmp(&b.in_context))
            .map_or((f64::NAN, 0), |p| (p.in_context, p.step));
        let task = &config.task;
        Self {
            classes: task.classes,
            burstiness: task.burstiness,
            noise: task.noise,
            weight_decay: config.weight_decay,
            seed: config.seed,
            steps: last.step,
            prompts,
            chance: last.chance,
            base: last.base,
            emergence_step: last.emergence_step,
            peak_in_context: peak.0,
            peak_step: peak.1,
            final_in_context: last.in_context,
            final_in_weights: last.in_weights,
            winner: winner(last.in_context, last.in_weights, last.base, last.chance),
            final_evaluation: last,
            curve,
            wall_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_winner_is_whichever_passed_its_own_bar() {
        let chance = 1.0 / 16.0;
        // B = 2, N = 4: copying a context label scores 0.5, so the in-context bar is 0.75
        let base = 0.5;
        assert_eq!(winner(0.9, 0.1, base, chance), Strategy::InContext);
        assert_eq!(winner(0.1, 0.95, base, chance), Strategy::InWeights);
        assert_eq!(winner(0.8, 0.6, base, chance), Strategy::Both);
        assert_eq!(
            winner(0.6, 0.3, base, chance),
            Strategy::Neither,
            "0.6 is above chance's halfway (0.53) but on the copying plateau's side of 0.75"
        );
        // B = N: copying the context's one label is the whole task
        assert_eq!(winner(1.0, 0.06, 1.0, chance), Strategy::Copying);
        assert_eq!(winner(0.2, 0.06, 1.0, chance), Strategy::Neither);
    }
}
