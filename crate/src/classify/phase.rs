//! The phase diagram of in-context vs in-weights learning (docs/SCIENCE.md §4): per setting
//! (ε, B, K) of a sweep, what its seeds ended as, and whether they agree clearly enough to say
//! which strategy wins there.
//!
//! Rule: a cell's winner is decided when every seed ended with the same [`Strategy`] and both mean
//! accuracies are clear of their bars (in context: halfway from the label-copying base to 1; in
//! weights: halfway from chance to 1) by more than `CLEAR` × the noise, the noise being the
//! larger of the seeds' half-range and the accuracy's sampling error on the evaluation sequences
//! ([`crate::finding::CLEAR`] = 2).

use serde::{Deserialize, Serialize};

use super::runs::{Run, Strategy, winner};
use super::session::emergence_bar;
use crate::finding::{Evidence, NoiseSource, Spread, binomial_se, half_range, mean, thousands};

/// One setting of the sweep over its seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PhaseCell {
    pub noise: f64,
    pub burstiness: u32,
    pub classes: u32,
    pub weight_decay: f64,
    pub seeds: u32,
    /// Final accuracies over the seeds.
    pub in_context: Spread,
    pub in_weights: Spread,
    /// The emergence bar of in-context accuracy (halfway from max(1/L, B/N) to 1) and the
    /// in-weights bar (halfway from 1/L to 1).
    pub in_context_bar: f64,
    pub in_weights_bar: f64,
    /// Each seed's strategy, in seed order.
    pub strategies: Vec<Strategy>,
    /// Each seed's emergence step (`null`: in-context learning did not emerge in that run).
    pub emergence_steps: Vec<Option<u32>>,
    /// The strategy every seed ended with, when they agree and clear both bars; `null` otherwise.
    pub winner: Option<Strategy>,
    /// Margin: the smaller distance of the two mean accuracies from their bars; noise: the larger
    /// of the seeds' half-range and the sampling error.
    pub evidence: Evidence,
}

impl PhaseCell {
    /// The cell of `runs` (one setting, its seeds).
    pub fn of(runs: &[&Run]) -> Option<Self> {
        let first = runs.first()?;
        let ic: Vec<f64> = runs.iter().map(|r| r.final_in_context).collect();
        let iw: Vec<f64> = runs.iter().map(|r| r.final_in_weights).collect();
        let (ic_bar, iw_bar) = (
            emergence_bar(first.base, first.chance),
            emergence_bar(first.chance, first.chance),
        );
        let (ic_mean, iw_mean) = (mean(&ic), mean(&iw));
        let prompts = runs.iter().map(|r| r.prompts).min().unwrap_or(0);
        let noise_of = |values: &[f64], m: f64| half_range(values).max(binomial_se(m, prompts));
        let margin = (ic_mean - ic_bar).abs().min((iw_mean - iw_bar).abs());
        let noise = noise_of(&ic, ic_mean).max(noise_of(&iw, iw_mean));
        // from the accuracies, so a file written under an older rule is judged by this one
        let strategies: Vec<Strategy> = runs
            .iter()
            .map(|r| winner(r.final_in_context, r.final_in_weights, r.base, r.chance))
            .collect();
        let agree = strategies.iter().all(|s| *s == strategies[0]);
        let source = if runs.len() > 1 {
            NoiseSource::SeedRange
        } else {
            NoiseSource::Binomial
        };
        let mut evidence = Evidence::against_noise(
            "distance of the mean final accuracies from their bars (the nearer of the two)",
            margin,
            noise,
            source,
            if runs.len() > 1 {
                runs.len() as u32
            } else {
                prompts
            },
        );
        evidence.decided &= agree;
        Some(Self {
            noise: first.noise,
            burstiness: first.burstiness,
            classes: first.classes,
            weight_decay: first.weight_decay,
            seeds: runs.len() as u32,
            in_context: Spread::of(&ic),
            in_weights: Spread::of(&iw),
            in_context_bar: ic_bar,
            in_weights_bar: iw_bar,
            winner: evidence.decided.then_some(strategies[0]),
            strategies,
            emergence_steps: runs.iter().map(|r| r.emergence()).collect(),
            evidence,
        })
    }

    /// Why an undecided cell is undecided, in words.
    pub fn why_undecided(&self) -> &'static str {
        if self.strategies.iter().any(|s| *s != self.strategies[0]) {
            "its seeds disagree"
        } else {
            "an accuracy is too close to its bar for the seeds' spread"
        }
    }
}

/// The phase diagram of a sweep: every (ε, weight decay, B, K) cell and a sentence per ε.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PhaseDiagram {
    /// Sorted by ε, weight decay, B, K.
    pub cells: Vec<PhaseCell>,
    /// Per ε (and weight decay, when the sweep has several): where each strategy wins, where the
    /// seeds cannot say, and the training length.
    pub statements: Vec<String>,
}

/// Groups `runs` by setting, in sorted order.
fn settings(runs: &[Run]) -> Vec<Vec<&Run>> {
    let key = |r: &Run| {
        (
            r.noise.to_bits(),
            r.weight_decay.to_bits(),
            r.burstiness,
            r.classes,
        )
    };
    let mut keys: Vec<_> = runs.iter().map(key).collect();
    keys.sort_by(|a, b| {
        f64::from_bits(a.0)
            .total_cmp(&f64::from_bits(b.0))
            .then(f64::from_bits(a.1).total_cmp(&f64::from_bits(b.1)))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let mut group: Vec<&Run> = runs.iter().filter(|r| key(r) == k).collect();
            group.sort_by_key(|r| r.seed);
            group
        })
        .collect()
}

/// "B = 1 at K = 1,024; B = 2 at K = 256, 1,024"
fn places(cells: &[&PhaseCell]) -> String {
    let mut bs: Vec<u32> = cells.iter().map(|c| c.burstiness).collect();
    bs.dedup();
    bs.iter()
        .map(|b| {
            let ks: Vec<String> = cells
                .iter()
                .filter(|c| c.burstiness == *b)
                .map(|c| thousands(c.classes))
                .collect();
            format!("B = {b} at K = {}", ks.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl PhaseDiagram {
    pub fn of(runs: &[Run]) -> Self {
        let cells: Vec<PhaseCell> = settings(runs)
            .iter()
            .filter_map(|g| PhaseCell::of(g))
            .collect();
        let mut levels: Vec<(u64, u64)> = cells
            .iter()
            .map(|c| (c.noise.to_bits(), c.weight_decay.to_bits()))
            .collect();
        levels.dedup();
        let several_decays = levels
            .iter()
            .any(|l| l.1 != levels.first().map_or(0, |f| f.1));
        let steps = runs.iter().map(|r| r.steps).max().unwrap_or(0);
        let seeds = {
            let mut s: Vec<u32> = runs.iter().map(|r| r.seed).collect();
            s.sort_unstable();
            s.dedup();
            s.len()
        };
        let statements = levels
            .iter()
            .map(|&(noise, decay)| {
                let here: Vec<&PhaseCell> = cells
                    .iter()
                    .filter(|c| c.noise.to_bits() == noise && c.weight_decay.to_bits() == decay)
                    .collect();
                let won = |s: Strategy| -> Vec<&PhaseCell> {
                    here.iter()
                        .copied()
                        .filter(|c| c.winner == Some(s))
                        .collect()
                };
                let open: Vec<&PhaseCell> = here
                    .iter()
                    .copied()
                    .filter(|c| c.winner.is_none())
                    .collect();
                let mut parts = vec![];
                for s in [
                    Strategy::InContext,
                    Strategy::Copying,
                    Strategy::InWeights,
                    Strategy::Both,
                    Strategy::Neither,
                ] {
                    let cells = won(s);
                    if cells.is_empty() {
                        continue;
                    }
                    parts.push(match s {
                        Strategy::Neither => format!("neither is learned with {}", places(&cells)),
                        Strategy::Copying => format!(
                            "the model copies the context's only label (B = N: no induction head needed) with {}",
                            places(&cells)
                        ),
                        Strategy::Both => format!("both are learned with {}", places(&cells)),
                        _ => format!("{} wins with {}", s.words(), places(&cells)),
                    });
                }
                if !open.is_empty() {
                    parts.push(format!("the seeds cannot say with {}", places(&open)));
                }
                let decay = f64::from_bits(decay);
                let label = if several_decays {
                    format!("ε = {}, weight decay {decay}", f64::from_bits(noise))
                } else {
                    format!("ε = {}", f64::from_bits(noise))
                };
                format!(
                    "{label}, after {} steps ({seeds} seed{}): {}.",
                    thousands(steps),
                    if seeds == 1 { "" } else { "s" },
                    parts.join("; ")
                )
            })
            .collect();
        Self { cells, statements }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::session::ClassifyEvaluation;

    /// A run ending at these accuracies (L = 16, N = 4, B = 2: base 0.5, bars 0.75 and 0.53).
    pub(crate) fn run(seed: u32, b: u32, k: u32, ic: f64, iw: f64) -> Run {
        let (chance, base) = (1.0 / 16.0, f64::from(b) / 4.0);
        let evaluation = ClassifyEvaluation {
            step: 6000,
            in_context: ic,
            in_weights: iw,
            chance,
            context_label_accuracy: 1.0,
            base,
            emergence_bar: emergence_bar(base, chance),
            induction: None,
            query_attention: vec![],
            example: vec![],
            emergence_step: None,
        };
        Run {
            classes: k,
            burstiness: b,
            noise: 0.1,
            weight_decay: 0.0,
            seed,
            steps: 6000,
            prompts: 512,
            chance,
            base,
            curve: vec![],
            emergence_step: (ic >= emergence_bar(base, chance)).then_some(3000),
            peak_in_context: ic,
            peak_step: 6000,
            final_in_context: ic,
            final_in_weights: iw,
            winner: winner(ic, iw, base, chance),
            final_evaluation: evaluation,
            wall_seconds: 1.0,
        }
    }

    #[test]
    fn seeds_that_agree_far_from_the_bars_decide_their_cell() {
        let runs = vec![run(0, 2, 1024, 0.98, 0.06), run(1, 2, 1024, 0.99, 0.07)];
        let d = PhaseDiagram::of(&runs);
        let cell = &d.cells[0];
        assert_eq!(cell.winner, Some(Strategy::InContext));
        assert!(cell.evidence.decided);
        assert_eq!(cell.in_context_bar, 0.75);
        assert!(
            d.statements[0].contains("in-context learning wins with B = 2 at K = 1,024"),
            "{}",
            d.statements[0]
        );
        assert!(d.statements[0].contains("6,000 steps (2 seeds)"));
    }

    #[test]
    fn seeds_that_disagree_or_sit_at_a_bar_cannot_say() {
        // B = 1 (base 0.25, bar 0.625): one seed learned in context, one did not
        let runs = vec![run(0, 1, 4096, 0.95, 0.06), run(1, 1, 4096, 0.47, 0.06)];
        let d = PhaseDiagram::of(&runs);
        assert_eq!(d.cells[0].winner, None);
        assert_eq!(d.cells[0].why_undecided(), "its seeds disagree");
        assert!(d.statements[0].contains("the seeds cannot say with B = 1 at K = 4,096"));
        // both seeds just past the bar (0.75 at B = 2), spread 0.04: margin 0.02 < 2 × 0.02
        let runs = vec![run(0, 2, 256, 0.79, 0.06), run(1, 2, 256, 0.75, 0.06)];
        let cell = &PhaseDiagram::of(&runs).cells[0];
        assert_eq!(cell.strategies, vec![Strategy::InContext; 2]);
        assert_eq!(cell.winner, None, "{:?}", cell.evidence);
        assert_eq!(
            cell.why_undecided(),
            "an accuracy is too close to its bar for the seeds' spread"
        );
    }

    #[test]
    fn cells_are_sorted_and_grouped_by_setting() {
        let runs = vec![
            run(1, 2, 64, 0.1, 0.9),
            run(0, 1, 1024, 0.9, 0.06),
            run(0, 2, 64, 0.12, 0.92),
        ];
        let d = PhaseDiagram::of(&runs);
        let keys: Vec<(u32, u32, u32)> = d
            .cells
            .iter()
            .map(|c| (c.burstiness, c.classes, c.seeds))
            .collect();
        assert_eq!(keys, vec![(1, 1024, 1), (2, 64, 2)]);
        assert_eq!(d.cells[1].winner, Some(Strategy::InWeights));
        // one seed: the noise is the sampling error of 512 sequences
        assert_eq!(d.cells[0].evidence.noise_source, NoiseSource::Binomial);
    }
}
