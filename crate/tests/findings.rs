//! The findings the site ships are the core's findings of the runs shipped with them: each sweep
//! file (`www/public/{classify,diversity}/*.json`, written by `iclab … sweep --out`) carries its
//! runs and what the core concluded from them, and the conclusions must be what the core concludes
//! from those runs now. A changed rule, or a file edited by hand, cannot leave a stale sentence on
//! a page.
#![cfg(not(target_family = "wasm"))]

use std::path::PathBuf;

use iclab::classify::{ClassifySweep, PhaseDiagram, Transience, TransienceOutcome};
use iclab::icl::diversity::{DiversityFindings, DiversitySweep};

/// As JSON, where a NaN ("nothing measured") is `null` and so equal to itself.
fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("serializes")
}

fn shipped(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../www/public")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_classification_sweeps_carry_the_findings_of_their_runs() {
    for file in ["classify/sweep.json", "classify/transience.json"] {
        let sweep: ClassifySweep = serde_json::from_str(&shipped(file)).expect(file);
        assert_eq!(
            json(&sweep.phase),
            json(&PhaseDiagram::of(&sweep.runs)),
            "{file}: rerun its command"
        );
        assert_eq!(
            json(&sweep.transience),
            json(&Transience::per_setting(&sweep.runs)),
            "{file}: rerun its command"
        );
        for s in &sweep.phase.statements {
            eprintln!("{file}: {s}");
        }
    }
}

/// The long runs are a test of transience only where in-context learning emerged (docs/SCIENCE.md
/// §4): every setting shipped for it has runs that emerged, three seeds per weight decay, and at
/// least 40,000 steps.
#[test]
fn the_long_runs_can_test_transience() {
    let sweep: ClassifySweep =
        serde_json::from_str(&shipped("classify/transience.json")).expect("transience.json");
    assert!(!sweep.transience.is_empty());
    for t in &sweep.transience {
        eprintln!("{}", t.statement);
        assert_ne!(t.outcome, TransienceOutcome::NoEmergence, "{}", t.statement);
        for wd in [0.0, 1e-4, 1e-3] {
            let seeds = t.runs.iter().filter(|r| r.weight_decay == wd).count();
            assert!(seeds >= 3, "weight decay {wd}: {seeds} seeds");
        }
    }
    assert!(sweep.runs.iter().all(|r| r.steps >= 40_000));
}

#[test]
fn the_diversity_sweep_carries_the_findings_of_its_runs() {
    let sweep: DiversitySweep =
        serde_json::from_str(&shipped("diversity/sweep.json")).expect("diversity/sweep.json");
    assert_eq!(
        json(&sweep.findings),
        json(&DiversityFindings::of(&sweep.runs)),
        "rerun its commands (they resume)"
    );
    for c in &sweep.findings.crossovers {
        eprintln!("{}", c.statement);
    }
    // the longer runs: M = 16, 32, 64 at 4× the sweep's steps, against the sweep
    let base = sweep.runs.iter().map(|r| r.steps).min().expect("runs");
    let longer: Vec<u32> = sweep.findings.longer.iter().map(|m| m.task_pool).collect();
    assert_eq!(longer, vec![16, 32, 64]);
    assert!(
        sweep
            .findings
            .longer
            .iter()
            .all(|m| m.longer_steps == 4 * base)
    );
}
