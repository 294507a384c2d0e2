//! Where the model crosses from dMMSE's side to ridge's at one training length, and whether
//! that is a switch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PoolCell, Position, Side, list_positions, spread_text};
use crate::finding::{CLEAR, thousands};

/// Where the model crosses from dMMSE's side to ridge's, at one training length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Crossover {
    pub steps: u32,
    /// The largest M decided on dMMSE's side below `from`.
    pub below: Option<u32>,
    /// The smallest M decided on ridge's side from which every larger M is too.
    pub from: Option<u32>,
    /// Whether every seed goes from t ≤ ¼ at `below` to t ≥ ¾ at `from`, neighbours in the sweep (a
    /// switch), rather than a gradual crossover. `false` when either end is missing.
    pub switch: bool,
    /// Decided when both ends exist and are neighbours in the sweep (no undecided M between).
    pub decided: bool,
    pub statement: String,
}

impl Crossover {
    pub(super) fn of(
        steps: u32,
        cells: &[&PoolCell],
        positions: &BTreeMap<(u32, u32), Vec<Position>>,
    ) -> Self {
        // from: the smallest M on ridge's side with every larger M too
        let mut from_index = None;
        for i in (0..cells.len()).rev() {
            if cells[i].side == Some(Side::Ridge) {
                from_index = Some(i);
            } else {
                break;
            }
        }
        let below_index = cells[..from_index.unwrap_or(cells.len())]
            .iter()
            .rposition(|c| c.side == Some(Side::Dmmse));
        let below = below_index.map(|i| cells[i].task_pool);
        let from = from_index.map(|i| cells[i].task_pool);
        let decided = matches!((below_index, from_index), (Some(b), Some(f)) if f == b + 1);
        // a switch is one step of the sweep's grid
        let switch = decided
            && match (below, from) {
                (Some(b), Some(f)) => {
                    let lo = &positions[&(b, steps)];
                    let hi = &positions[&(f, steps)];
                    lo.iter().all(|p| p.fraction <= 0.25) && hi.iter().all(|p| p.fraction >= 0.75)
                }
                _ => false,
            };
        let seeds = cells.iter().map(|c| c.seeds).max().unwrap_or(0);
        let at = format!(
            "after {} steps ({seeds} seed{})",
            thousands(steps),
            if seeds == 1 { "" } else { "s" }
        );
        let ends = |i: Option<usize>| i.map(|i| cells[i]);
        // how the position rises across the crossover, against the estimators' own distance
        let across = |b: &PoolCell, f: &PoolCell| {
            format!(
                "its position rises from {} at M = {} to {} at M = {} — {}. dMMSE and ridge are themselves {:.2} apart at M = {} and {:.2} at M = {}.",
                spread_text(&b.fraction),
                b.task_pool,
                spread_text(&f.fraction),
                f.task_pool,
                if switch {
                    "a switch"
                } else {
                    "a gradual crossover, not a switch"
                },
                b.span.mean,
                b.task_pool,
                f.span.mean,
                f.task_pool
            )
        };
        // at the largest M the yardstick may be shorter than the model's distance off it: say so
        let largest = cells
            .last()
            .filter(|c| c.span.mean < CLEAR * c.off_line.mean)
            .map_or(String::new(), |c| {
                format!(
                    " At M = {}, where the model sits at {}, dMMSE and ridge are only {:.3} apart, less than twice the model's {:.3} off the line between them: \"near ridge\" is measured against a short yardstick there.",
                    c.task_pool,
                    spread_text(&c.fraction),
                    c.span.mean,
                    c.off_line.mean
                )
            });
        let statement = match (ends(below_index), ends(from_index)) {
            (Some(b), Some(f)) if decided => format!(
                "On new tasks the model crosses from dMMSE's side to ridge's between M = {} and M = {} {at}: {}{largest}",
                b.task_pool,
                f.task_pool,
                across(b, f)
            ),
            (Some(b), Some(f)) => format!(
                "On new tasks the model is on dMMSE's side up to M = {} and on ridge's from M = {} on {at}; between them the seeds cannot say ({}); {}{largest}",
                b.task_pool,
                f.task_pool,
                list_positions(
                    &cells
                        .iter()
                        .copied()
                        .filter(|c| c.task_pool > b.task_pool && c.task_pool < f.task_pool)
                        .collect::<Vec<_>>()
                ),
                across(b, f)
            ),
            (None, Some(f)) => {
                let smaller: Vec<&PoolCell> = cells
                    .iter()
                    .copied()
                    .filter(|c| c.task_pool < f.task_pool)
                    .collect();
                format!(
                    "On new tasks the model is on ridge's side from M = {} on {at}; no smaller M trained this long is on dMMSE's side ({}).{largest}",
                    f.task_pool,
                    if smaller.is_empty() {
                        "none was".to_owned()
                    } else {
                        format!("{}: the seeds cannot say", list_positions(&smaller))
                    }
                )
            }
            (_, None) => format!(
                "On new tasks, {at}, no pool size sits clearly on ridge's side together with every larger one ({}).",
                list_positions(cells)
            ),
        };
        Self {
            steps,
            below,
            from,
            switch,
            decided,
            statement,
        }
    }
}
