use super::*;
use crate::classify::runs::{Point, Strategy};
use crate::classify::session::ClassifyEvaluation;

/// A run of 40 evaluations, every 1,000 steps, with in-context accuracy `ic(i)`.
fn run(seed: u32, wd: f64, ic: impl Fn(usize) -> f64) -> Run {
    let curve: Vec<Point> = (0..40)
        .map(|i| Point {
            step: (i as u32 + 1) * 1000,
            loss: 0.1,
            in_context: ic(i),
            in_weights: 0.1,
            context_label_accuracy: 1.0,
            label_to_item: None,
            query_to_match: None,
        })
        .collect();
    let base = 0.5;
    let emergence_step = curve.iter().find(|p| p.in_context >= 0.75).map(|p| p.step);
    let last = curve[39].clone();
    Run {
        classes: 1024,
        burstiness: 2,
        noise: 0.1,
        weight_decay: wd,
        seed,
        steps: 40_000,
        prompts: 512,
        chance: 1.0 / 16.0,
        base,
        emergence_step,
        peak_in_context: 0.0,
        peak_step: 0,
        final_in_context: last.in_context,
        final_in_weights: last.in_weights,
        winner: Strategy::InContext,
        final_evaluation: ClassifyEvaluation {
            step: 40_000,
            in_context: last.in_context,
            in_weights: 0.1,
            chance: 1.0 / 16.0,
            context_label_accuracy: 1.0,
            base,
            emergence_bar: 0.75,
            induction: None,
            query_attention: vec![],
            example: vec![],
            emergence_step,
        },
        curve,
        wall_seconds: 1.0,
    }
}

/// Rises to 0.97 by evaluation 5 and stays.
fn holds(i: usize) -> f64 {
    if i < 4 { 0.5 } else { 0.97 }
}

/// Rises to 0.97, then falls to 0.40 over the second half.
fn fades(i: usize) -> f64 {
    match i {
        0..4 => 0.5,
        4..20 => 0.97,
        _ => 0.97 - 0.57 * (i - 19) as f64 / 20.0,
    }
}

#[test]
fn runs_that_emerge_and_hold_show_no_transience() {
    let runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, holds)).collect();
    let t = Transience::of(&runs);
    assert_eq!(t.outcome, TransienceOutcome::NotSeen);
    assert!(
        t.statement
            .starts_with("Transience was not seen at this scale")
    );
    assert!(t.runs.iter().all(|r| !r.fade.decided && r.window == 4));
}

#[test]
fn runs_that_emerge_and_fade_are_transient() {
    let runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, fades)).collect();
    let t = Transience::of(&runs);
    assert_eq!(t.outcome, TransienceOutcome::Seen, "{}", t.statement);
    assert!((t.runs[0].peak - 0.97).abs() < 1e-9);
    assert!(t.runs[0].late < 0.5);
    // one of three fading: the seeds disagree
    let mixed = vec![run(0, 0.0, fades), run(1, 0.0, holds), run(2, 0.0, holds)];
    assert_eq!(Transience::of(&mixed).outcome, TransienceOutcome::Mixed);
}

#[test]
fn runs_that_never_emerged_say_nothing() {
    let runs = vec![run(0, 0.0, |_| 0.4), run(1, 1e-3, |_| 0.45)];
    let t = Transience::of(&runs);
    assert_eq!(t.outcome, TransienceOutcome::NoEmergence);
    assert!(
        t.statement.contains("cannot show transience"),
        "{}",
        t.statement
    );
}

#[test]
fn weight_decay_counts_only_when_every_seed_shows_it() {
    let late = |t: &Transience| -> DecayEffect {
        t.weight_decay
            .iter()
            .find(|e| e.quantity == Quantity::LateInContext)
            .cloned()
            .expect("late in-context effect")
    };
    // with decay every seed ends 0.2 higher: decided; the emergence step did not move
    let mut runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, fades)).collect();
    runs.extend((0..3).map(|s| run(s, 1e-3, |i| (fades(i) + 0.2).min(0.97))));
    let t = Transience::of(&runs);
    assert_eq!(t.weight_decay.len(), 2);
    let e = late(&t);
    assert!(e.evidence.decided, "{e:?}");
    assert!(
        e.statement.contains("higher in every seed"),
        "{}",
        e.statement
    );
    let emergence = &t.weight_decay[1];
    assert_eq!(emergence.quantity, Quantity::EmergenceStep);
    assert!(
        emergence.statement.contains("did not change in any seed"),
        "{}",
        emergence.statement
    );
    // one seed goes the other way: not decided
    let mut runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, holds)).collect();
    runs.push(run(0, 1e-4, |i| holds(i) - 0.1));
    runs.push(run(1, 1e-4, |i| holds(i) + 0.02));
    runs.push(run(2, 1e-4, |i| holds(i) - 0.1));
    let e = late(&Transience::of(&runs));
    assert!(!e.evidence.decided);
    assert!(
        e.statement.contains("do not agree on its direction"),
        "{}",
        e.statement
    );
    // every seed emerges three evaluations later with decay: past twice the interval
    let mut runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, holds)).collect();
    runs.extend((0..3).map(|s| run(s, 1e-3, |i| if i < 7 { 0.5 } else { 0.97 })));
    let t = Transience::of(&runs);
    let emergence = &t.weight_decay[1];
    assert_eq!(emergence.differences, vec![3000.0; 3]);
    assert!(emergence.evidence.decided, "{emergence:?}");
    assert!(
        emergence
            .statement
            .contains("was later in every seed (+3000, +3000, +3000"),
        "{}",
        emergence.statement
    );
    // one evaluation later is within the interval's noise
    let mut runs: Vec<Run> = (0..3).map(|s| run(s, 0.0, holds)).collect();
    runs.extend((0..3).map(|s| run(s, 1e-3, |i| if i < 5 { 0.5 } else { 0.97 })));
    let emergence = &Transience::of(&runs).weight_decay[1];
    assert!(!emergence.evidence.decided);
    assert!(
        emergence
            .statement
            .contains("not a change the seeds show clearly"),
        "{}",
        emergence.statement
    );
}
